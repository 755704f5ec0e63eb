import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { startXterm } from "@deskgate/test-support/x-probe";
import { startXvfb, type XvfbDisplay } from "@deskgate/test-support/xvfb-display";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowsOn } from "./x-windows.ts";
import { focusedWindowOn } from "./xdotool.ts";

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

describe.each([
  ["with a window manager (EWMH stacking list)", true],
  ["on a bare X server (the root's children)", false],
])("windowsOn %s", (_, withManager) => {
  let x: XvfbDisplay;
  beforeAll(async () => {
    x = await startXvfb({ width: 1280, height: 720 });
    if (withManager)
      children.push(
        spawn("openbox", [], { env: { ...process.env, DISPLAY: x.display }, stdio: "ignore" }),
      );
    await sleep(300);
  });
  afterAll(async () => {
    await x.stop();
  });

  it("lists visible windows top-most first with their place, title and class", async () => {
    // A page's title is the program's to set: one crafted to look like a listing line.
    const crafted = "evil\nwindow 1 0 0 1280 720 ZmFrZQ== ZmFrZQ==";
    children.push(startXterm(x.display, { geometry: "60x10+0+0", command: ["sleep", "60"] }));
    await until(
      () => windowsOn(x.display),
      (w) => (w?.length ?? 0) >= 1,
    );
    children.push(
      spawn("xterm", ["-T", crafted, "-geometry", "60x10+100+80", "-e", "sleep", "60"], {
        env: { ...process.env, DISPLAY: x.display },
        stdio: "ignore",
      }),
    );
    // xterm maps its window before it names it: wait for the name too.
    const windows = await until(
      () => windowsOn(x.display),
      // …and the window manager may stack it a moment after: wait for it to be on top.
      (w) => (w?.length ?? 0) >= 2 && w?.[0]?.title === crafted,
    );
    expect(windows?.length).toBe(2);
    const [top, below] = windows!;
    // The second xterm was mapped last: it is on top, and its title is read as a title.
    expect(top?.title).toBe(crafted);
    expect(top?.className).toBe("XTerm");
    expect(below?.className).toBe("XTerm");
    expect(top!.x).toBeGreaterThanOrEqual(100);
    expect(top!.width).toBeGreaterThan(200);
    if (withManager) {
      const focused = await focusedWindowOn(x.display);
      expect(focused?.id).toBe(top?.id);
    }
  });
});

it("is undefined when the display cannot be reached", async () => {
  expect(await windowsOn(":4999")).toBeUndefined();
});
