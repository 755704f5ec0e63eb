import type { AuditEvent } from "@deskgate/audit";
import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand } from "@deskgate/test-support/fake-slack";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { textOf } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

/**
 * Standing decisions attacked: a grant, a trust window or a plan card must never carry
 * more authority than the one person behind it has — not a backup approver's (who may
 * decide one escalated request, nothing after it), not a grant maker's own run under the
 * four-eyes rule — and a plan card must say which steps it approves.
 */
const each = useSlackGate();

async function trail(runId: string): Promise<AuditEvent[]> {
  return (await each.harness.backend.audit.read(runId)).map((record) => record.event);
}

const typing: ComputerAction[] = [
  { action: "type", text: "ls" },
  { action: "type", text: "pwd" },
];

/** Everything asks one approver; nobody answering reaches U0BACKUP after 1.5 s. */
const escalating = {
  rules: [
    {
      id: "rest",
      match: {},
      decision: "ask",
      timeout: "1m",
      escalation: { backupAfter: "1500ms", backup: ["U0BACKUP"] },
    },
  ],
};

/** Until the backup stage of the request's escalation is on record. */
function waitForBackupStage(runId: string) {
  return waitFor(
    async () =>
      (await trail(runId)).find((e) => e.type === "approval.escalated" && e.stage === "backup"),
    { timeoutMs: 10_000, what: "the escalation to the backup approver" },
  );
}

describe("a backup approver", () => {
  beforeEach(async () => {
    await each.startBot({ approvers: ["U0BOB", "U0CAROL"] });
  });

  it("may decide the escalated request, but makes no grant that outlives it", async () => {
    const runId = await each.drive.startRun(typing, escalating);
    const first = await each.drive.openRequest(runId);
    await waitForBackupStage(runId);
    const answer = await each.drive.submitGrant(first.approvalId, "U0BACKUP", {
      kinds: ["typing"],
    });
    // Refused inside the form, with the reason; nothing recorded.
    expect(JSON.stringify(answer)).toContain("backup approver");
    expect((await each.harness.backend.store.get(first.approvalId))?.approvals ?? []).toEqual([]);
    // The plain approval of this one request stands.
    await each.drive.click(`${first.approvalId}@1`, "U0BACKUP", first.card.ts);
    const second = await each.drive.openRequest(runId, first.approvalId);
    expect(textOf(second.card)).toContain("Step 2");
    const events = await trail(runId);
    expect(events.some((e) => e.type === "grant.created")).toBe(false);
    expect(events.some((e) => e.type === "action.auto_approved")).toBe(false);
  });

  it("opens no trust window with an old card's “Approve for 10 min”", async () => {
    const runId = await each.drive.startRun(typing, escalating);
    const first = await each.drive.openRequest(runId);
    await waitForBackupStage(runId);
    await each.drive.click(
      `${first.approvalId}@1`,
      "U0BACKUP",
      first.card.ts,
      "approval.approve_window",
    );
    await each.drive.ephemeralTo("U0BACKUP", /backup approver/);
    expect((await each.harness.backend.store.get(first.approvalId))?.status).toBe("pending");
    await each.drive.click(`${first.approvalId}@1`, "U0BACKUP", first.card.ts);
    const second = await each.drive.openRequest(runId, first.approvalId);
    expect(textOf(second.card)).toContain("Step 2");
    expect((await trail(runId)).some((e) => e.type === "trust_window.opened")).toBe(false);
  });
});

describe("a desktop grant under the four-eyes rule", () => {
  it("never covers a run started by the person who made it", async () => {
    await each.startBot({
      approvers: ["U0BOB", "U0CAROL"],
      requireSecondApprover: true,
    });
    const policy = { rules: [{ id: "rest", match: {}, decision: "ask" }] };
    await each.harness.startDesktop({ actions: [{ action: "type", text: "ls" }], policy });
    const start = async (requester: string) => {
      const before = new Set(
        (await each.harness.backend.runDesk.listRuns()).map((run) => run.request.runId),
      );
      await each.slack.send({
        type: "slash_commands",
        payload: slashCommand("start type a command", { userId: requester }),
      });
      return waitFor(
        async () =>
          (await each.harness.backend.runDesk.listRuns()).find(
            (run) => !before.has(run.request.runId),
          )?.request.runId,
        { what: `the run ${requester} started` },
      );
    };
    // Carol's run: Bob approves it and lets typing run on the whole desktop.
    const carols = await start("U0CAROL");
    const asked = await each.drive.openRequest(carols);
    await each.drive.submitGrant(asked.approvalId, "U0BOB", {
      kinds: ["typing"],
      scope: "desktop",
    });
    await each.harness.waitForStatus(carols, "finished");
    expect((await trail(carols)).some((e) => e.type === "grant.created")).toBe(true);
    // Bob's own run: he may not approve its actions, so neither may his grant.
    const bobs = await start("U0BOB");
    const settled = await waitFor(
      async () => {
        const status = (await each.harness.run(bobs))?.status;
        return status === "waiting" || status === "finished" ? status : undefined;
      },
      { what: "Bob's run to wait or finish" },
    );
    expect((await trail(bobs)).filter((e) => e.type === "action.auto_approved")).toEqual([]);
    expect(settled).toBe("waiting");
    const own = await each.drive.openRequest(bobs);
    expect(textOf(own.card)).toContain("Step 1");
  });
});

describe("a plan card", () => {
  beforeEach(async () => {
    await each.startBot({ approvers: ["U0BOB", "U0CAROL"] });
  });

  const plainTurn: ComputerAction[] = [
    { action: "left_click", coordinate: [100, 100] },
    { action: "left_click", coordinate: [200, 200] },
    { action: "left_click", coordinate: [300, 300] },
  ];
  const asking = { rules: [{ id: "rest", match: {}, decision: "ask" }] };
  const through = (value: string, userId: string, messageTs: string) =>
    each.slack.send({
      type: "interactive",
      payload: blockAction({
        actionId: "approval.approve_through",
        value,
        userId,
        messageTs,
        select: { text: "Steps 1–2 only" },
      }),
    });

  it("refuses “approve through” beyond the plan or for a version the card does not show; an edit ends the plan", async () => {
    const runId = await each.drive.startRun(plainTurn, asking, { turnSizes: [3] });
    const { approvalId, card } = await each.drive.openRequest(runId);
    await through(`${approvalId}@1#9`, "U0BOB", card.ts);
    await each.drive.ephemeralTo("U0BOB", /no longer shows that plan/);
    await through(`${approvalId}@2#2`, "U0BOB", card.ts);
    await each.drive.ephemeralTo("U0BOB", /Not recorded/);
    expect((await each.harness.backend.store.get(approvalId))?.approvals).toEqual([]);
    // Carol edits step 1 (her edit carries her approval): one action now, no plan.
    await each.drive.submitEdit(approvalId, 1, "U0CAROL", { x: "110", y: "100" });
    const second = await each.drive.openRequest(runId, approvalId);
    // Steps 2–3 are asked about anew (a plan card of their own).
    expect(textOf(second.card)).toContain("Plan · 2 steps (2–3)");
    // Bob's menu choice on the old card comes too late, and changes nothing.
    await through(`${approvalId}@1#3`, "U0BOB", card.ts);
    await each.drive.ephemeralTo("U0BOB", /Already decided/);
    expect((await each.harness.executed(runId)).map((e) => e.action)).toEqual([
      { action: "left_click", coordinate: [110, 100] },
    ]);
    expect((await trail(runId)).some((e) => e.type === "action.auto_approved")).toBe(false);
  });

  it("refuses a grant's Revoke from someone who is neither its maker, the requester nor an approver", async () => {
    const runId = await each.drive.startRun(typing, asking);
    const first = await each.drive.openRequest(runId);
    await each.drive.submitGrant(first.approvalId, "U0BOB", { kinds: ["typing"] });
    await each.harness.waitForStatus(runId, "finished");
    const grantId = (await trail(runId)).find((e) => e.type === "grant.created");
    expect(grantId).toBeDefined();
    const id = grantId?.type === "grant.created" ? grantId.grant.grantId : "";
    await each.drive.click(id, "U0MALLORY", first.card.ts, "grant.revoke");
    await each.drive.ephemeralTo("U0MALLORY", /Only the person who made this grant/);
    expect(await each.harness.backend.grants.get(id)).toBeDefined();
  });

  it("says “runs by policy” only of steps the policy allows, not of low-risk asks", async () => {
    const policy = {
      rules: [
        { id: "waiting", match: { actions: ["wait"] }, decision: "allow", risk: "medium" },
        { id: "typing-is-low", match: { actions: ["type"] }, decision: "ask", risk: "low" },
        { id: "rest", match: {}, decision: "ask" },
      ],
    };
    const turn: ComputerAction[] = [
      { action: "left_click", coordinate: [100, 100] },
      { action: "type", text: "hello" },
      { action: "wait", duration: 1 },
      { action: "left_click", coordinate: [200, 200] },
    ];
    const runId = await each.drive.startRun(turn, policy, { turnSizes: [4] });
    const { card } = await each.drive.openRequest(runId);
    const shown = textOf(card);
    expect(shown).toContain("Plan · 4 steps");
    expect(shown).not.toMatch(/Step 2 · [^"]*runs by policy/);
    expect(shown).toMatch(/Step 3 · [^"]*runs by policy/);
  });
});

/** A 1280×800 desktop with a dialog: its question 30 px above its one button, "OK". */
async function dialogScreen(question: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">
    <rect width="100%" height="100%" fill="#2b5d8a"/>
    <rect x="40" y="560" width="200" height="40" fill="#f0f0f0"/>
    <text x="60" y="586" font-family="DejaVu Sans" font-size="14">Show details</text>
    <rect x="490" y="270" width="360" height="120" fill="#e8e8e8" stroke="#888"/>
    <text x="505" y="325" font-family="DejaVu Sans" font-size="14">${question}</text>
    <rect x="690" y="335" width="80" height="28" fill="#dcdcdc" stroke="#666"/>
    <text x="718" y="354" font-family="DejaVu Sans" font-size="14">OK</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe("a plan's later step on a page that changes", () => {
  it("stops when what its click answers changed, though the button itself did not", async () => {
    const policy = { rules: [{ id: "rest", match: {}, decision: "ask" }] };
    const turn: ComputerAction[] = [
      { action: "left_click", coordinate: [140, 580] },
      { action: "left_click", coordinate: [730, 349] },
    ];
    const changed = await dialogScreen("Delete ALL files permanently?");
    await each.harness.startDesktop({
      actions: turn,
      policy,
      turnSizes: [2],
      screenshotPng: await dialogScreen("Keep the selected files?"),
      // The page answers step 1 by rewording the dialog that step 2 clicks OK on.
      onApproved: (step) => {
        if (step === 1) each.harness.computers[0]!.show(changed);
      },
    });
    const { runId } = await each.harness.startRun({ desktop: "desk-a" });
    const plan = await each.harness.waitForPending(runId);
    expect((await each.harness.backend.store.get(plan))?.request.plan).toHaveLength(2);
    await each.harness.approve(plan, "U0BOB");
    const settled = await waitFor(
      async () => {
        const record = await each.harness.run(runId);
        if (record?.status === "finished") return "finished";
        return record?.status === "waiting" && record.pendingApprovalId !== plan
          ? "asked"
          : undefined;
      },
      { what: "step 2 to be asked about or run" },
    );
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1]);
    expect(settled).toBe("asked");
    expect((await trail(runId)).find((e) => e.type === "plan.stopped")).toMatchObject({
      step: 2,
      reason: expect.stringMatching(/screen changed around the target at \(730, 349\)/),
    });
  });
});
