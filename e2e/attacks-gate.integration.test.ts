import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { approveAlone, authorityByStep } from "./support/attack-runs.ts";
import { gateHarnessPerTest } from "./support/direct-gate.ts";
import { commandsNeedTwo } from "./support/policies.ts";

/**
 * Attacks on the gate itself (real gate, Lua votes and policy over a real Redis), as the
 * model steered by a hostile page or as one approver would try them. Each names what the
 * promise expects and checks it on what ran.
 */
const typeCommand: ComputerAction = { action: "type", text: "rm -rf ~/x" };
const enter: ComputerAction = { action: "key", text: "Return" };
/** Inside the terminal the command was typed into. */
const terminal: Coordinate = [640, 400];

const each = gateHarnessPerTest();

/** The steps the run executed. */
async function executedSteps(runId: string): Promise<number[]> {
  return (await each.harness.executed(runId)).map((e) => e.step);
}

/** Waits until `step` is either denied or asked about; returns which. */
async function fateOf(runId: string, step: number) {
  return waitFor(
    async () => {
      const denied = (await each.harness.denied(runId)).find((d) => d.step === step);
      if (denied) return { kind: "denied" as const, reason: denied.reason };
      const run = await each.harness.run(runId);
      if (run?.status === "waiting" && run.step === step && run.pendingApprovalId) {
        const state = await each.harness.backend.store.get(run.pendingApprovalId);
        return {
          kind: "asked" as const,
          ruleId: state?.request.ruleId,
          requiredApprovals: state?.request.requiredApprovals,
        };
      }
      if ((await executedSteps(runId)).includes(step)) return { kind: "executed" as const };
      return undefined;
    },
    { what: `step ${step} to be denied, asked about or executed` },
  );
}

/** Once an approved request's action ran or was asked about again: the steps that ran. */
async function ranOrAskedAgain(runId: string, approvalId: string): Promise<number[]> {
  await waitFor(
    async () =>
      (await executedSteps(runId)).length > 0 ||
      (await each.harness.run(runId))?.pendingApprovalId === `${approvalId}_2` ||
      undefined,
    { what: `${approvalId} to run or be asked again` },
  );
  return executedSteps(runId);
}

/** The run's actions denied by the example policy's no-sudo rule. */
async function sudoDenials(runId: string) {
  return (await each.harness.denied(runId)).filter((d) => /sudo is not allowed/.test(d.reason));
}

describe("held: a pointer press is taken to clear the typed line", () => {
  it("asks two people for Enter after typing when a click on the terminal came between", async () => {
    // A click inside a terminal does not clear the command line (checked on a real xterm in
    // attacks-desktop): Enter still runs `rm -rf ~/x`.
    await each.harness.startDesktop({
      actions: [typeCommand, { action: "left_click", coordinate: terminal }, enter],
      policy: commandsNeedTwo,
    });
    const run = await each.harness.startRun();
    const outcome = await approveAlone(each.harness, run.runId, "U_BOB");
    const authority = await authorityByStep(each.harness, run.runId);
    expect(
      { outcome, enterRanOn: authority.get(3) },
      "one approver let Enter submit the typed command",
    ).toMatchObject({ outcome: { kind: "needs_more", step: 3, requiredApprovals: 2 } });
  });

  it("denies `sudo` typed in two parts with a click on the same field between", async () => {
    await each.harness.startDesktop({
      actions: [
        { action: "type", text: "su" },
        { action: "left_click", coordinate: terminal },
        { action: "type", text: "do ls" },
        enter,
      ],
      policy: commandsNeedTwo,
    });
    const run = await each.harness.startRun();
    await approveAlone(each.harness, run.runId, "U_BOB");
    expect(await sudoDenials(run.runId), "no-sudo never matched").not.toEqual([]);
  });
});

describe("held: the typed line ignores where the cursor is", () => {
  it.each<[string, ComputerAction[]]>([
    [
      "Home, then the first half",
      [
        { action: "type", text: "do ls" },
        { action: "key", text: "Home" },
        { action: "type", text: "su" },
      ],
    ],
    [
      "a stray letter removed with Home and Delete",
      [
        { action: "type", text: "xsudo ls" },
        { action: "key", text: "Home" },
        { action: "key", text: "Delete" },
      ],
    ],
    [
      "ctrl+h, which a terminal reads as BackSpace",
      [
        { action: "type", text: "sudx" },
        { action: "key", text: "ctrl+h" },
        { action: "type", text: "o ls" },
      ],
    ],
  ])("denies a line that reads `sudo ls`, written with %s", async (_, keys) => {
    await each.harness.startDesktop({ actions: [...keys, enter], policy: commandsNeedTwo });
    const run = await each.harness.startRun();
    await approveAlone(each.harness, run.runId, "U_BOB");
    expect(await sudoDenials(run.runId), "no-sudo never matched").not.toEqual([]);
  });
});

describe("held: Enter-like keys the effect model does not know", () => {
  it("asks two people for ctrl+o after typing (bash runs the line: operate-and-get-next)", async () => {
    await each.harness.startDesktop({
      actions: [typeCommand, { action: "key", text: "ctrl+o" }],
      policy: commandsNeedTwo,
    });
    const run = await each.harness.startRun();
    const outcome = await approveAlone(each.harness, run.runId, "U_BOB");
    expect(outcome, "one approver let ctrl+o submit the typed command").toMatchObject({
      kind: "needs_more",
      step: 2,
      requiredApprovals: 2,
    });
  });
});

describe("held: pointer input the effect model misses", () => {
  const dragsNeedTwo = {
    rules: [
      {
        id: "drags-need-two",
        match: { actions: ["left_click_drag"] },
        decision: "ask",
        approvers: 2,
      },
      {
        id: "clicks-free",
        match: { actions: ["left_click", "left_mouse_down", "left_mouse_up", "mouse_move"] },
        decision: "allow",
      },
      { id: "rest", match: {}, decision: "ask" },
    ],
  };

  it("held: a move or a release elsewhere with the button down is judged as a drag", async () => {
    await each.harness.startDesktop({
      actions: [
        { action: "left_mouse_down", coordinate: [100, 100] },
        { action: "left_mouse_up", coordinate: [900, 500] },
      ],
      policy: dragsNeedTwo,
    });
    const run = await each.harness.startRun();
    expect(await fateOf(run.runId, 2)).toMatchObject({
      kind: "asked",
      ruleId: "drags-need-two",
      requiredApprovals: 2,
    });
  });

  it("judges a click elsewhere with the button held down as the drag it is", async () => {
    // The adapter moves the pointer to the click's coordinate with the button still down
    // (nut-computer: moveTo, then press/release): applications see a drag from A to B.
    await each.harness.startDesktop({
      actions: [
        { action: "left_mouse_down", coordinate: [100, 100] },
        { action: "left_click", coordinate: [900, 500] },
      ],
      policy: dragsNeedTwo,
    });
    const run = await each.harness.startRun();
    expect(
      await fateOf(run.runId, 2),
      "a drag from (100, 100) to (900, 500) ran with no approver",
    ).toMatchObject({ kind: "asked", ruleId: "drags-need-two", requiredApprovals: 2 });
  });

  it("does not run a click at the pointer somewhere other than where the approver saw it", async () => {
    const computer = () => each.harness.computers[0]!;
    await each.harness.startDesktop({ actions: [{ action: "left_click" }] });
    computer().movePointer([100, 100]);
    const run = await each.harness.startRun();
    const approvalId = await each.harness.waitForPending(run.runId);
    const seen = (await each.harness.backend.store.get(approvalId))!.request.input?.pointer;
    expect(seen).toEqual([100, 100]);
    // Something on the desktop (a program, a person at the VNC view) moves the pointer.
    computer().movePointer([900, 500]);
    await each.harness.approve(approvalId);
    expect(
      await ranOrAskedAgain(run.runId, approvalId),
      "a click approved at (100, 100) ran at (900, 500)",
    ).toEqual([]);
  });
});

describe("the screen check around an edited target", () => {
  const white = () =>
    sharp({ create: { width: 1280, height: 800, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
  /** White, with a 40×30 dark box centred on `at`: a dialog's button appearing there. */
  const changedAt = async ([x, y]: Coordinate) =>
    sharp(await white())
      .composite([
        {
          input: {
            create: { width: 40, height: 30, channels: 3, background: "#202020" },
          },
          left: x - 20,
          top: y - 15,
        },
      ])
      .png()
      .toBuffer();
  const proposed: Coordinate = [200, 200];
  const edited: Coordinate = [1000, 600];

  it("held: asks again when the screen changed around the proposed target", async () => {
    await each.harness.startDesktop({
      actions: [{ action: "left_click", coordinate: proposed }],
      screenshotPng: await white(),
    });
    const run = await each.harness.startRun();
    const first = await each.harness.waitForPending(run.runId);
    each.harness.computers[0]!.show(await changedAt(proposed));
    await each.harness.approve(first);
    expect(await each.harness.waitForPending(run.runId, first)).toBe(`${first}_2`);
    expect(await executedSteps(run.runId)).toEqual([]);
  });

  it("asks again when the screen changed around the target an edit moved the click to", async () => {
    await each.harness.startDesktop({
      actions: [{ action: "left_click", coordinate: proposed }],
      screenshotPng: await white(),
    });
    const run = await each.harness.startRun();
    const first = await each.harness.waitForPending(run.runId);
    each.harness.computers[0]!.show(await changedAt(edited));
    await each.harness.edit(first, { action: "left_click", coordinate: edited });
    expect(
      await ranOrAskedAgain(run.runId, first),
      "the click ran on a screen that changed under its edited target",
    ).toEqual([]);
  });
});

describe("a key press approved on a screen where a small dialog appears later", () => {
  it("asks again when a dialog that takes the keyboard appeared away from the pointer", async () => {
    const white = await sharp({
      create: { width: 1280, height: 800, channels: 3, background: "#ffffff" },
    })
      .png()
      .toBuffer();
    // A 150×80 in-page prompt with a focused "Allow" button: 1.2% of the screen.
    const prompt = await sharp(white)
      .composite([
        {
          input: { create: { width: 150, height: 80, channels: 3, background: "#303030" } },
          left: 1000,
          top: 600,
        },
      ])
      .png()
      .toBuffer();
    await each.harness.startDesktop({ actions: [enter], screenshotPng: white });
    each.harness.computers[0]!.movePointer([200, 200]);
    const run = await each.harness.startRun();
    const first = await each.harness.waitForPending(run.runId);
    each.harness.computers[0]!.show(prompt);
    await each.harness.approve(first);
    expect(
      await ranOrAskedAgain(run.runId, first),
      "Return ran on a screen with a prompt the approver never saw",
    ).toEqual([]);
  });
});

describe("held: a stop racing an approval", () => {
  it("lets at most the approved action run, and nothing after it", async () => {
    const click: ComputerAction = { action: "left_click", coordinate: terminal };
    await each.harness.startDesktop({ actions: [click, click] });
    for (let trial = 0; trial < 3; trial += 1) {
      const run = await each.harness.startRun();
      const first = await each.harness.waitForPending(run.runId);
      await Promise.all([
        each.harness.approve(first),
        each.harness.backend.runDesk.cancelRun(run.runId, { userId: "U_ALICE" }),
      ]);
      await each.harness.waitForStatus(run.runId, "cancelled");
      expect(await executedSteps(run.runId)).not.toContain(2);
    }
  });
});

describe("held: an approved action whose numbers the vote store keeps to 14 digits", () => {
  it("runs an approved hold_key whose duration has 17 significant digits", async () => {
    // Fails closed today (denied as "does not match"), so nothing unapproved runs; but an
    // approved action never runs: Redis Lua's cjson re-encodes numbers with 14 digits.
    const hold: ComputerAction = { action: "hold_key", text: "shift", duration: 0.1 + 0.2 };
    await each.harness.startDesktop({ actions: [hold] });
    const run = await each.harness.startRun();
    await each.harness.approve(await each.harness.waitForPending(run.runId));
    await each.harness.waitForStatus(run.runId, "finished");
    expect(await each.harness.denied(run.runId)).toEqual([]);
    expect(await executedSteps(run.runId)).toEqual([1]);
  });
});
