import type { ComputerAction } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import type { ActionResult, Computer, Screenshot } from "./computer.ts";
import { type SettleOptions, settlingComputer, waitForStillScreen } from "./settling-computer.ts";

/**
 * A screen that shows `frames[i]` from the i-th look on (the last one stays), on a clock
 * that only moves when someone sleeps. Frames are labels; "difference" compares labels.
 */
function scriptedScreen(frames: string[]) {
  let clock = 0;
  let looks = 0;
  const executed: ComputerAction[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  let releases = 0;
  const shot = (label: string): Screenshot => ({ png: Buffer.from(label), width: 10, height: 10 });
  const computer: Computer = {
    modelScreen: () => ({ width: 10, height: 10 }),
    pointerPosition: async () => [0, 0],
    focusedWindow: async () => undefined,
    windows: async () => undefined,
    async execute(action, actionOptions): Promise<ActionResult> {
      executed.push(action);
      signals.push(actionOptions?.signal);
      return { kind: "done" };
    },
    async releaseAllInput() {
      releases += 1;
    },
    async screenshot() {
      const label = frames[Math.min(looks, frames.length - 1)]!;
      looks += 1;
      return shot(label);
    },
    close: async () => undefined,
  };
  const options: SettleOptions = {
    maxMs: 3_000,
    difference: async (a, b) => (a.equals(b) ? 0 : 1),
    compact: async (shot) => shot,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  };
  return {
    computer,
    options,
    executed,
    signals,
    releases: () => releases,
    looks: () => looks,
    clock: () => clock,
  };
}

describe("waitForStillScreen", () => {
  it("returns the screen once it stopped changing for two looks in a row", async () => {
    const screen = scriptedScreen(["empty", "half-drawn window", "window", "window", "window"]);
    const still = await waitForStillScreen(screen.computer, screen.options);
    expect(String(still.png)).toBe("window");
    expect(screen.looks()).toBe(5);
    expect(screen.clock()).toBe(100 + 4 * 150);
  });

  it("takes the screen as it is when it never settles within the limit", async () => {
    const frames = Array.from({ length: 100 }, (_, i) => `frame ${i}`);
    const screen = scriptedScreen(frames);
    const still = await waitForStillScreen(screen.computer, { ...screen.options, maxMs: 1_000 });
    expect(screen.clock()).toBeLessThanOrEqual(1_000);
    expect(String(still.png)).toBe(`frame ${screen.looks() - 1}`);
  });
});

describe("settlingComputer", () => {
  it("waits after actions that change the desktop and hands that look to the next screenshot", async () => {
    const screen = scriptedScreen(["before", "after", "after", "after"]);
    const computer = settlingComputer(screen.computer, screen.options);
    await computer.execute({ action: "key", text: "ctrl+alt+t" });
    const looksAfterAction = screen.looks();
    expect(looksAfterAction).toBe(4);
    expect(String((await computer.screenshot()).png)).toBe("after");
    expect(screen.looks()).toBe(looksAfterAction);
    // Only once: a later screenshot looks again.
    await computer.screenshot();
    expect(screen.looks()).toBe(looksAfterAction + 1);
  });

  it("does not wait after actions that only look or wait, nor when turned off", async () => {
    const screen = scriptedScreen(["same"]);
    const computer = settlingComputer(screen.computer, screen.options);
    for (const action of [
      { action: "screenshot" },
      { action: "cursor_position" },
      { action: "wait", duration: 1 },
      { action: "zoom", region: [0, 0, 5, 5] },
    ] as ComputerAction[])
      await computer.execute(action);
    expect(screen.looks()).toBe(0);
    const off = settlingComputer(screen.computer, { ...screen.options, maxMs: 0 });
    await off.execute({ action: "left_click", coordinate: [1, 1] });
    expect(screen.looks()).toBe(0);
    expect(screen.executed).toHaveLength(5);
  });

  it("does not hand out a stale look once time has passed", async () => {
    const screen = scriptedScreen(["a", "a", "a", "b"]);
    const computer = settlingComputer(screen.computer, screen.options);
    await computer.execute({ action: "type", text: "x" });
    await screen.options.sleep!(1_000);
    expect(String((await computer.screenshot()).png)).toBe("b");
  });
});

describe("settlingComputer passes on", () => {
  it("the action's stop signal and the release of held input", async () => {
    const screen = scriptedScreen(["still"]);
    const computer = settlingComputer(screen.computer, { ...screen.options, maxMs: 0 });
    const controller = new AbortController();
    await computer.execute({ action: "type", text: "x" }, { signal: controller.signal });
    await computer.releaseAllInput();
    expect(screen.signals).toEqual([controller.signal]);
    expect(screen.releases()).toBe(1);
  });
});
