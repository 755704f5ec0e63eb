import type { ChildProcess } from "node:child_process";
import type { ComputerAction } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  pointerLocation,
  startColouredWindow,
  startInputEventLog,
  startTypingTarget,
} from "@deskgate/test-support/x-probe";
import { startXvfb, type XvfbDisplay } from "@deskgate/test-support/xvfb-display";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotateScreenshot } from "./annotate-screenshot.ts";
import type { Computer } from "./computer.ts";
import { assertDisplayReachable } from "./display-check.ts";
import { allNutKeyNames } from "./key-names.ts";
import { createNutComputer } from "./nut-computer.ts";
import { screenDifference } from "./screen-difference.ts";

let xvfb: XvfbDisplay;
let computer: Computer;
const windows: ChildProcess[] = [];

beforeAll(async () => {
  xvfb = await startXvfb({ width: 1920, height: 1080 });
  computer = await createNutComputer({
    display: xvfb.display,
    logger: createLogger({ level: "silent" }),
  });
});
afterAll(async () => {
  for (const window of windows) window.kill("SIGKILL");
  await computer?.close();
  await xvfb?.stop();
});

async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * 3;
  return [data[offset]!, data[offset + 1]!, data[offset + 2]!];
}

describe("nut-js computer on Xvfb (1920×1080, model 1280×720)", () => {
  it("refuses an unreachable display with a message instead of crashing", async () => {
    await expect(assertDisplayReachable(":987")).rejects.toThrow(
      /no X server answers on DISPLAY=:987/,
    );
    await expect(assertDisplayReachable(undefined)).rejects.toThrow(/DISPLAY is not set/);
  });

  it("reports the model's screen size", () => {
    expect(computer.modelScreen()).toEqual({ width: 1280, height: 720 });
  });

  it("clicks where the model asked, scaled to the screen", async () => {
    await computer.execute({ action: "left_click", coordinate: [640, 360] });
    expect(await pointerLocation(xvfb.display)).toEqual({ x: 960, y: 540 });
    await computer.execute({ action: "double_click", coordinate: [1279, 719] });
    expect(await pointerLocation(xvfb.display)).toEqual({ x: 1919, y: 1079 });
    expect(await computer.execute({ action: "cursor_position" })).toEqual({
      kind: "cursor",
      position: [1279, 719],
    });
  });

  it("clicks with each button, and presses and releases the left button apart", async () => {
    const points: Array<[ComputerAction, { x: number; y: number }]> = [
      [
        { action: "right_click", coordinate: [100, 200] },
        { x: 150, y: 300 },
      ],
      [
        { action: "middle_click", coordinate: [101, 201] },
        { x: 152, y: 302 },
      ],
      [
        { action: "triple_click", coordinate: [2, 3] },
        { x: 3, y: 5 },
      ],
      [
        { action: "left_mouse_down", coordinate: [10, 20] },
        { x: 15, y: 30 },
      ],
      [
        { action: "left_mouse_up", coordinate: [30, 40] },
        { x: 45, y: 60 },
      ],
    ];
    for (const [action, expected] of points) {
      expect(await computer.execute(action)).toEqual({ kind: "done" });
      expect(await pointerLocation(xvfb.display)).toEqual(expected);
    }
  });

  it("drags: presses at the start, moves in steps with the button held, releases at the end", async () => {
    const log = await startInputEventLog(xvfb.display, "600x400+0+0");
    try {
      await computer.execute({
        action: "left_click_drag",
        start_coordinate: [20, 20],
        coordinate: [300, 200],
      });
      const events = await waitFor(() => {
        const all = log.events();
        return all.some((event) => event.type === "release") ? all : undefined;
      });
      const press = events.findIndex((event) => event.type === "press");
      const release = events.findIndex((event) => event.type === "release");
      expect(events[press]).toMatchObject({ x: 30, y: 30, leftHeld: false });
      expect(events[release]).toMatchObject({ x: 450, y: 300, leftHeld: true });
      const moves = events.slice(press, release).filter((event) => event.type === "motion");
      expect(moves.length).toBeGreaterThanOrEqual(5);
      expect(moves.every((event) => event.leftHeld)).toBe(true);
      const xs = moves.map((event) => event.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    } finally {
      log.close();
    }
  });

  it("presses key combos in order and releases every key", async () => {
    const log = await startInputEventLog(xvfb.display, "300x200+0+0");
    try {
      await computer.execute({ action: "mouse_move", coordinate: [100, 100] });
      await computer.execute({ action: "key", text: "ctrl+a shift+Tab" });
      await computer.execute({ action: "hold_key", text: "alt+x", duration: 0.05 });
      const keys = await waitFor(() => {
        const all = log.events().filter((event) => event.type.startsWith("key"));
        return all.length >= 12 ? all : undefined;
      });
      expect(keys.map((event) => `${event.type === "key-press" ? "+" : "-"}${event.key}`)).toEqual(
        [
          ["+Control_L", "+a", "-a", "-Control_L"],
          ["+Shift_L", "+ISO_Left_Tab", "-ISO_Left_Tab", "-Shift_L"],
          ["+Alt_L", "+x", "-x", "-Alt_L"],
        ].flat(),
      );
    } finally {
      log.close();
    }
  });

  it("knows every key name it can produce", async () => {
    const { Key } = await import("@nut-tree-fork/nut-js");
    const missing = allNutKeyNames().filter((name) => !(name in Key));
    expect(missing).toEqual([]);
  });

  it("types every printable ASCII character and Unicode into a terminal, and delivers key combos", async () => {
    const target = await startTypingTarget(xvfb.display, { geometry: "100x10+0+0" });
    try {
      // Focus follows the pointer without a window manager.
      await computer.execute({ action: "mouse_move", coordinate: [100, 50] });
      let ascii = "";
      for (let code = 32; code < 127; code += 1) ascii += String.fromCharCode(code);
      const text = `${ascii}héllo — ✓`;
      await computer.execute({ action: "type", text });
      await computer.execute({ action: "key", text: "Return" });
      await computer.execute({ action: "key", text: "ctrl+a BackSpace Tab KP_Enter Escape" });
      await computer.execute({ action: "key", text: "ctrl+plus" });
      const keys = "\r\u0001\u007f\t\r\u001b+";
      const received = await waitFor(
        () => {
          const value = target.received();
          return value.length >= text.length + keys.length ? value : undefined;
        },
        { timeoutMs: 10_000, what: "typed text" },
      ).catch(() => target.received()); // compare anyway: the diff says what went missing
      expect(JSON.stringify(received)).toBe(JSON.stringify(`${text}${keys}`));
    } finally {
      await target.close();
    }
  });

  it("holds a key and waits for the requested time", async () => {
    let started = performance.now();
    await computer.execute({ action: "hold_key", text: "shift", duration: 0.1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    started = performance.now();
    await computer.execute({ action: "wait", duration: 0.1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("scrolls with the wheel buttons at the point, modifiers held or not", async () => {
    const log = await startInputEventLog(xvfb.display, "300x200+0+0");
    try {
      await computer.execute({
        action: "scroll",
        coordinate: [100, 100],
        scroll_direction: "down",
        scroll_amount: 3,
      });
      await computer.execute({
        action: "scroll",
        coordinate: [50, 60],
        scroll_direction: "up",
        scroll_amount: 2,
        text: "ctrl",
      });
      await computer.execute({ action: "left_click", coordinate: [10, 10], text: "shift" });
      const presses = await waitFor(() => {
        const all = log.events().filter((event) => event.type === "press");
        return all.length >= 6 ? all : undefined;
      });
      // X11 modifier masks: Shift 0x1, Control 0x4.
      expect(presses.map((event) => [event.button, event.x, event.y, event.modifiers])).toEqual([
        [5, 150, 150, 0],
        [5, 150, 150, 0],
        [5, 150, 150, 0],
        [4, 75, 90, 0x4],
        [4, 75, 90, 0x4],
        [1, 15, 15, 0x1],
      ]);
    } finally {
      log.close();
    }
  });

  it("takes a model-sized screenshot with true colours, and sees a window appear", async () => {
    const before = await computer.screenshot();
    expect([before.width, before.height]).toEqual([1280, 720]);
    expect(await pixel(before.png, 700, 450)).toEqual([0, 0, 0]);
    windows.push(startColouredWindow(xvfb.display, "red", "60x20+900+600"));
    const after = await waitFor(
      async () => {
        const shot = await computer.screenshot();
        const [r, g, b] = await pixel(shot.png, 700, 450);
        return r > 200 && g < 40 && b < 40 ? shot : undefined;
      },
      { what: "the red window in a screenshot" },
    );
    expect(await screenDifference(before.png, before.png)).toBe(0);
    expect(await screenDifference(before.png, after.png)).toBeGreaterThan(0.02);
  });

  it("zooms into a region at the model's size", async () => {
    // Inside the red window (screen 900..1140 × 600..735), so the zoomed image is red.
    const result = await computer.execute({ action: "zoom", region: [600, 400, 760, 490] });
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    const meta = await sharp(result.image.png).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 720]);
    expect(await pixel(result.image.png, 640, 360)).toEqual([255, 0, 0]);
    expect(await pixel(result.image.png, 100, 100)).toEqual([255, 0, 0]);
  });

  it("marks the click target on the approver's image", async () => {
    const shot = await computer.screenshot();
    const annotated = await annotateScreenshot(shot, {
      action: "left_click",
      coordinate: [300, 300],
    });
    const meta = await sharp(annotated).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 720]);
    expect(await pixel(shot.png, 318, 300)).toEqual([0, 0, 0]);
    const [r] = await pixel(annotated, 318, 300);
    expect(r).toBeGreaterThan(200);
    expect(await pixel(annotated, 1000, 100)).toEqual(await pixel(shot.png, 1000, 100));
  });
});
