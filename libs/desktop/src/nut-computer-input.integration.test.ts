import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLogger } from "@deskgate/core";
import { waitFor } from "@deskgate/test-support/app-process";
import { type EntryForm, startEntryForm } from "@deskgate/test-support/tk-entry-form";
import { startXvfb, type XvfbDisplay } from "@deskgate/test-support/xvfb-display";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionInterruptedError } from "./action-errors.ts";
import type { Computer } from "./computer.ts";
import { createNutComputer } from "./nut-computer.ts";

let xvfb: XvfbDisplay;
let computer: Computer;
let form: EntryForm;
const logger = createLogger({ level: "silent" });

beforeAll(async () => {
  // The node:20-bookworm default: no locale at all. Typing must not depend on it.
  delete process.env.LANG;
  delete process.env.LC_ALL;
  delete process.env.LC_CTYPE;
  xvfb = await startXvfb({ width: 1280, height: 800 });
  computer = await createNutComputer({ display: xvfb.display, logger });
  form = await startEntryForm(xvfb.display);
  // No window manager: keys go to the window under the pointer.
  await computer.execute({ action: "mouse_move", coordinate: [100, 20] });
});
afterAll(async () => {
  await form?.close();
  await computer?.close();
  await xvfb?.stop();
});

const submittedCount = (count: number) =>
  waitFor(() => (form.submitted().length >= count ? form.submitted() : undefined), {
    timeoutMs: 10_000,
    what: `${count} submitted form lines`,
  });

describe("typing into a real application (a Tk form) with no locale set", () => {
  it("presses Return for a newline and Tab for a tab", async () => {
    await computer.execute({ action: "type", text: "one\ttwo\n" });
    expect(await submittedCount(1)).toEqual(["a=one|b=two"]);
  });

  it("types non-ASCII text, which xdotool refuses in the C locale", async () => {
    await computer.execute({ action: "type", text: "café ✓ — ok\n" });
    expect((await submittedCount(2)).at(-1)).toBe("a=café ✓ — ok|b=");
  });

  it("stops a long type at once when the run is stopped, saying how much was typed", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const started = performance.now();
    const error = await computer
      .execute({ action: "type", text: "é".repeat(500) }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(ActionInterruptedError);
    expect(error).toMatchObject({ reason: "stopped" });
    const typed = Number(/typed (\d+) of 500 characters/.exec((error as Error).message)?.[1]);
    expect(typed).toBeGreaterThan(0);
    expect(typed).toBeLessThan(20);
    // Exactly what it said it typed is in the field.
    await computer.execute({ action: "key", text: "Return" });
    expect((await submittedCount(3)).at(-1)).toBe(`a=${"é".repeat(typed)}|b=`);
  });

  it("caps an action's duration", async () => {
    const capped = await createNutComputer({ display: xvfb.display, logger, maxActionMs: 400 });
    const error = await capped
      .execute({ action: "type", text: "ü".repeat(100) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "timed_out" });
    expect((error as Error).message).toMatch(
      /^the action ran longer than its limit of 0.4 s; typed \d of 100 characters/,
    );
    await capped.execute({ action: "key", text: "Return" });
    expect((await submittedCount(4)).at(-1)).toMatch(/^a=ü{1,5}\|b=$/);
    const waited = await capped.execute({ action: "wait", duration: 5 }).catch((e: unknown) => e);
    expect(waited).toMatchObject({ reason: "timed_out" });
  });
});

describe("input left held by a dead worker", () => {
  it("is released, so the next type arrives as typed", async () => {
    const seen = form.keys().length;
    const keysSince = () => form.keys().slice(seen);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./testing/hold-key-process.ts", import.meta.url))],
      { env: { ...process.env, DISPLAY: xvfb.display }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => keysSince().includes("+Control_L") || undefined, {
      timeoutMs: 15_000,
      what: `the child to hold Ctrl (it said ${JSON.stringify(output)})`,
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Killed mid-hold: Ctrl is still down on the X server.
    expect(keysSince()).toEqual(["+Control_L"]);

    const restarted = await createNutComputer({ display: xvfb.display, logger });
    await restarted.releaseAllInput();
    await restarted.execute({ action: "type", text: "date\n" });
    expect((await submittedCount(5)).at(-1)).toBe("a=date|b=");
    expect(keysSince().slice(0, 2)).toEqual(["+Control_L", "-Control_L"]);
  });
});
