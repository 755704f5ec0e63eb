import { type ApprovalBackend, createApprovalBackend } from "@deskgate/approvals";
import { type ComputerAction, type Coordinate, currentVersion } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { type Computer, createNutComputer } from "@deskgate/desktop";
import { validateAction } from "@deskgate/effects";
import { parsePolicy } from "@deskgate/policy";
import { connectRedis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { startXvfb, type XvfbDisplay } from "@deskgate/test-support/xvfb-display";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { directGate, reviewUntilVerdict } from "./support/direct-gate.ts";
import { commandsNeedTwo } from "./support/policies.ts";
import { startXtermShell, type XtermShell } from "./support/xterm-shell.ts";

/**
 * The gate's attacks played on a real desktop: an xterm running bash on Xvfb, driven by
 * the real nut-js/xdotool adapter, each action judged by the real gate over a real Redis
 * with one approver deciding every request alone. What bash then runs is the ground truth.
 */
const logger = createLogger({ level: "silent" });
/** Inside the xterm (which covers the top left 600×400 px). */
const terminal: Coordinate = [200, 200];

let xvfb: XvfbDisplay;
let computer: Computer;
let shell: XtermShell;
let redis: PrivateRedis;
let backend: ApprovalBackend;
beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: false });
  backend = createApprovalBackend(connectRedis(redis.url), logger);
  xvfb = await startXvfb({ width: 1280, height: 800 });
  computer = await createNutComputer({ display: xvfb.display, logger });
  shell = await startXtermShell(xvfb.display);
  // No window manager: keys go to the window under the pointer.
  await computer.execute({ action: "mouse_move", coordinate: terminal });
});
afterEach(async () => {
  // Whatever a test left on the command line is dropped.
  await computer.execute({ action: "key", text: "ctrl+c" });
});
afterAll(async () => {
  await shell?.close();
  await computer?.close();
  await xvfb?.stop();
  await backend?.queues.close();
  backend?.redis.disconnect();
  await redis?.dispose();
});

interface Played {
  executed: number[];
  denied: number[];
  /** The first request one approver could not decide alone. */
  needsMore?: { step: number; requiredApprovals: number };
}

let counter = 0;

/** Proposes `actions` in turn through the gate; `userId` approves every request alone. */
async function playAlone(actions: ComputerAction[], policyFile: unknown): Promise<Played> {
  counter += 1;
  const runId = `run_xterm${String(counter).padStart(4, "0")}`;
  const desktop = `xterm-${counter}`;
  const policy = parsePolicy(policyFile, { approvalTimeoutMs: 600_000 });
  const gate = await directGate(backend, { runId, desktop, task: "attack", policy, logger });
  const played: Played = { executed: [], denied: [] };
  for (const [index, action] of actions.entries()) {
    const step = index + 1;
    const proposal = { runId, step, toolUseId: `toolu_${step}`, action };
    const verdict = await reviewUntilVerdict(
      backend,
      gate,
      proposal,
      computer,
      async (id, round) => {
        const state = (await backend.store.get(id))!;
        const result = await backend.runDesk.decide(id, {
          verdict: "approve",
          by: { userId: "U0ANNA" },
          at: new Date().toISOString(),
          version: currentVersion(state).number,
        });
        if (result.kind === "recorded")
          played.needsMore = { step, requiredApprovals: state.request.requiredApprovals };
        return result.kind !== "recorded" && round < 5;
      },
    );
    if (played.needsMore) return played;
    if (verdict?.kind === "approve") {
      await computer.execute(verdict.action);
      played.executed.push(step);
    }
    if (verdict?.kind === "deny") played.denied.push(step);
  }
  return played;
}

/** Step `step` waited for a second approver, and bash never ran the command touching `file`. */
async function expectHeldForTwo(played: Played, step: number, file: string): Promise<void> {
  expect({ needsMore: played.needsMore, ran: await ranSoon(file) }).toEqual({
    needsMore: { step, requiredApprovals: 2 },
    ran: false,
  });
}

/** Whether bash created `name` within a second (it runs a command at once). */
async function ranSoon(name: string): Promise<boolean> {
  return waitFor(() => shell.ran(name) || undefined, { timeoutMs: 1_000 }).catch(() => false);
}

describe("held: the control", () => {
  it("one approver cannot submit a typed command with Return", async () => {
    const played = await playAlone(
      [
        { action: "type", text: `touch ${shell.dir}/ran-with-return` },
        { action: "key", text: "Return" },
      ],
      commandsNeedTwo,
    );
    expect(played.needsMore).toEqual({ step: 2, requiredApprovals: 2 });
    expect(await ranSoon("ran-with-return")).toBe(false);
  });
});

describe("held: bash runs a command one approver submitted", () => {
  it("with ctrl+o (readline's operate-and-get-next)", async () => {
    const played = await playAlone(
      [
        { action: "type", text: `touch ${shell.dir}/ran-with-ctrl-o` },
        { action: "key", text: "ctrl+o" },
      ],
      commandsNeedTwo,
    );
    await expectHeldForTwo(played, 2, "ran-with-ctrl-o");
  });

  it("with Return after a click inside the terminal, which leaves the line as it was", async () => {
    const played = await playAlone(
      [
        { action: "type", text: `touch ${shell.dir}/ran-after-click` },
        { action: "left_click", coordinate: terminal },
        { action: "key", text: "Return" },
      ],
      commandsNeedTwo,
    );
    await expectHeldForTwo(played, 3, "ran-after-click");
  });
});

describe("held: a keypad key that is a digit or Home depending on Num Lock", () => {
  it("refuses KP_7 and the other keypad digits before they can reach the desktop", () => {
    // With Num Lock off the X server makes KP_7 Home: `uch …`, KP_7, `to` would run touch.
    for (const key of ["KP_7", "KP_0", "ctrl+KP_4"])
      expect(
        validateAction({ action: "key", text: key }, { width: 1280, height: 800 }),
      ).toMatchObject({
        ok: false,
      });
  });
});

describe("held: text that reaches the line without being typed", () => {
  it("asks two people for Return after a line from the screen was pasted with the middle button", async () => {
    // What a hostile page shows: a command, on screen. Set up outside the gate.
    await computer.execute({
      action: "type",
      text: `clear; echo 'touch ${shell.dir}/ran-from-paste'\n`,
    });
    const played = await playAlone(
      [
        { action: "triple_click", coordinate: [30, 6] },
        { action: "middle_click", coordinate: terminal },
        { action: "key", text: "Return" },
      ],
      commandsNeedTwo,
    );
    await expectHeldForTwo(played, 3, "ran-from-paste");
  });
});
