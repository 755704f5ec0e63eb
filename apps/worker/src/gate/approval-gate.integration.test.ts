import { readFileSync } from "node:fs";
import { ApprovalStore, redisKeys } from "@deskgate/approvals";
import { verifyTrail } from "@deskgate/audit";
import type { ComputerAction, Decision } from "@deskgate/contracts";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GateHarness } from "../testing/gate-harness.ts";

const click: ComputerAction = { action: "left_click", coordinate: [10, 20] };
const typeDate: ComputerAction = { action: "type", text: "date" };
const enter: ComputerAction = { action: "key", text: "Return" };

let redis: PrivateRedis;
let harness: GateHarness;
beforeEach(async () => {
  redis = await startPrivateRedis();
  harness = new GateHarness(redis.url);
});
afterEach(async () => {
  await harness.close();
  await redis.dispose();
});

describe("deciding a request", () => {
  it("lets exactly one of 50 concurrent decisions win and tells the rest who won", async () => {
    const store = new ApprovalStore(harness.backend.redis);
    const now = new Date();
    await store.create({
      approvalId: "apr_run_race01_1",
      runId: "run_race01",
      step: 1,
      desktop: "desk-a",
      action: click,
      requestedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      requiredApprovals: 1,
      expiryMode: "deny",
    });
    const decisions: Decision[] = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? { verdict: "approve", by: { userId: `U${i}` }, at: new Date().toISOString(), version: 1 }
        : {
            verdict: "deny",
            by: { userId: `U${i}` },
            at: new Date().toISOString(),
            reason: `no ${i}`,
          },
    );
    // Repairs of the follow-ups (a worker resuming, a retried click) race the deciders.
    const results = await Promise.all([
      ...decisions.map((d) => harness.backend.runDesk.decide("apr_run_race01_1", d)),
      ...Array.from({ length: 5 }, async () => {
        const state = await store.get("apr_run_race01_1");
        if (state?.status === "decided") await harness.backend.decisions.completeFollowUps(state);
        return { kind: "repair" as const };
      }),
    ]);
    const winners = results.filter((r) => r.kind === "decided");
    const losers = results.filter((r) => r.kind === "already_decided");
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    const winning = winners[0]!.kind === "decided" ? winners[0]!.state.outcome : undefined;
    for (const loser of losers)
      if (loser.kind === "already_decided") expect(loser.state.outcome).toEqual(winning);
    const audit = await harness.backend.audit.read("run_race01");
    expect(
      audit.filter(
        (r) => r.event.type === "approval.granted" || r.event.type === "approval.denied",
      ),
    ).toHaveLength(1);
  });
});

describe("a run held at the gate", () => {
  it("waits for approval, then acts exactly once and finishes", async () => {
    harness.collectEvents();
    await harness.startDesktop({ actions: [click, typeDate] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    expect(await harness.executed(run.runId)).toEqual([]);
    expect((await harness.approve(first)).kind).toBe("decided");
    const second = await harness.waitForPending(run.runId, first);
    expect(await harness.executed(run.runId)).toEqual([{ step: 1, action: click, note: null }]);
    await harness.approve(second);
    await harness.waitForStatus(run.runId, "finished");
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1, 2]);
    await waitFor(() => harness.events.some((e) => e.type === "run.finished"), {
      what: "run.finished announced",
    });
    expect(harness.events.map((e) => e.type)).toEqual([
      "run.started",
      "step.proposed",
      "step.decided",
      "step.proposed",
      "step.decided",
      "run.finished",
    ]);
    const card = harness.events[1]!;
    expect(
      card.type === "step.proposed" &&
        card.review.kind === "asked" &&
        card.review.approval.screenshotKey,
    ).toBeTruthy();
    // The trail names what the approver saw by hash, keeps it, and verifies.
    const requested = (await harness.backend.audit.read(run.runId)).find(
      (record) => record.event.type === "approval.requested",
    );
    const [seen, shown] = requested?.chain?.screenshots ?? [];
    expect(await harness.backend.audit.screenshot(run.runId, seen!)).toBeInstanceOf(Buffer);
    expect(await harness.backend.audit.screenshot(run.runId, shown!)).toBeInstanceOf(Buffer);
    expect(await verifyTrail(harness.backend.audit, run.runId)).toMatchObject({ ok: true });
  });

  it("stays waiting on its current request when a late wake meant for an earlier step arrives", async () => {
    await harness.startDesktop({ actions: [click, typeDate] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.approve(first);
    const second = await harness.waitForPending(run.runId, first);
    const queue = harness.backend.queues.runs("desk-a");
    const startsBefore = (await queue.getJob(run.runId))!.attemptsStarted;
    // What a slow follow-up of the first decision does once the run already waits on the second.
    await harness.backend.decisions.completeFollowUps((await harness.backend.store.get(first))!);
    await waitFor(
      async () => {
        const job = await queue.getJob(run.runId);
        return job && job.attemptsStarted > startsBefore && (await job.getState()) === "delayed";
      },
      { what: "the woken run to park again" },
    );
    expect(await harness.run(run.runId)).toMatchObject({
      status: "waiting",
      pendingApprovalId: second,
      step: 2,
    });
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1]);
    await harness.approve(second);
    await harness.waitForStatus(run.runId, "finished");
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1, 2]);
  });

  it("never runs an ended run again when its job is handed out once more", async () => {
    await harness.startDesktop({ actions: [click] });
    const run = await harness.startRun();
    await harness.approve(await harness.waitForPending(run.runId));
    await harness.waitForStatus(run.runId, "finished");
    // What BullMQ does when the attempt that ended the run lost its lock before completing.
    const { enqueue } = await import("@deskgate/queue");
    const again = await enqueue(harness.backend.queues.runs("desk-a"), "agent.run", run, {
      jobId: `${run.runId}-again`,
    });
    await waitFor(async () => (await again.getState()) === "completed", {
      what: "the job handed out again",
    });
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1]);
    expect((await harness.run(run.runId))!.status).toBe("finished");
  });

  it("sends a denial's reason back and never acts on it", async () => {
    await harness.startDesktop({ actions: [click, typeDate] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.deny(first, "wrong window");
    const second = await harness.waitForPending(run.runId, first);
    expect(await harness.denied(run.runId)).toEqual([
      { step: 1, reason: "wrong window (denied by U_BOB)" },
    ]);
    await harness.approve(second);
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toEqual([{ step: 2, action: typeDate, note: null }]);
  });

  it("auto-denies a request with a 1 s timeout when no run worker is alive", async () => {
    const desktop = await harness.startDesktop({
      actions: [click],
      policy: { rules: [{ id: "quick", match: {}, decision: "ask", timeout: "1s" }] },
    });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    // Only a deadline consumer stays (as in the bot); the worker is gone.
    await desktop.close();
    harness.desktops.splice(harness.desktops.indexOf(desktop), 1);
    const { createDeadlineWorker } = await import("@deskgate/approvals");
    const deadlines = createDeadlineWorker(
      harness.connect(),
      harness.backend.decisions,
      harness.logger,
    );
    try {
      const state = await waitFor(
        async () => {
          const s = await harness.backend.store.get(approvalId);
          return s?.status === "decided" ? s : undefined;
        },
        { timeoutMs: 5_000, what: "auto-deny" },
      );
      expect(state.outcome?.status).toBe("expired");
    } finally {
      await deadlines.close();
    }
  });

  it("ends a waiting run at once when it is stopped", async () => {
    await harness.startDesktop({ actions: [click, typeDate] });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    const started = Date.now();
    const result = await harness.backend.runDesk.cancelRun(run.runId, { userId: "U_ALICE" });
    expect(result.kind).toBe("cancelled");
    await harness.waitForStatus(run.runId, "cancelled", 3_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await harness.backend.store.get(approvalId))?.outcome?.status).toBe("cancelled");
    expect(await harness.executed(run.runId)).toEqual([]);
    expect((await harness.approve(approvalId)).kind).toBe("already_decided");
  });

  it("lets an action in progress finish after a stop, and starts no other", async () => {
    await harness.startDesktop({
      actions: [click, typeDate],
      actionMs: 600,
      policy: { rules: [{ id: "allow", match: {}, decision: "allow" }] },
    });
    const run = await harness.startRun();
    await harness.waitForStatus(run.runId, "running");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await harness.backend.runDesk.cancelRun(run.runId, { userId: "U_ALICE" });
    await harness.waitForStatus(run.runId, "cancelled");
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1]);
  });

  it("needs two different approvers where a rule says so", async () => {
    await harness.startDesktop({
      actions: [enter],
      policy: { rules: [{ id: "two", match: {}, decision: "ask", approvers: 2 }] },
    });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    expect((await harness.approve(approvalId, "U_BOB")).kind).toBe("recorded");
    expect((await harness.approve(approvalId, "U_BOB")).kind).toBe("duplicate_approver");
    expect(await harness.executed(run.runId)).toEqual([]);
    expect((await harness.backend.store.get(approvalId))?.status).toBe("pending");
    const completed = await harness.approve(approvalId, "U_CAROL");
    expect(completed.kind).toBe("decided");
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });

  it("ends a two-approver request on any deny", async () => {
    await harness.startDesktop({
      actions: [enter],
      policy: { rules: [{ id: "two", match: {}, decision: "ask", approvers: 2 }] },
    });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    await harness.approve(approvalId, "U_BOB");
    expect((await harness.deny(approvalId, "not now", "U_CAROL")).kind).toBe("decided");
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toEqual([]);
  });

  it("does not act on a screen that changed since the approver saw it", async () => {
    await harness.startDesktop({ actions: [click] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    harness.changeScreens(); // a dialog popped up
    await harness.approve(first);
    const second = await harness.waitForPending(run.runId, first);
    expect(second).toBe(`${first}_2`);
    expect(await harness.executed(run.runId)).toEqual([]);
    const audit = await harness.backend.audit.read(run.runId);
    expect(audit.some((r) => r.event.type === "action.blocked_screen_changed")).toBe(true);
    await harness.approve(second);
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });

  it("auto-approves the run's next actions inside a trust window, and records them so", async () => {
    await harness.startDesktop({ actions: [click, typeDate, enter] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.approve(first, "U_BOB", { trustWindowMs: 60_000 });
    await harness.waitForStatus(run.runId, "finished");
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1, 2, 3]);
    const audit = await harness.backend.audit.read(run.runId);
    const auto = audit.filter((r) => r.event.type === "action.auto_approved").map((r) => r.event);
    expect(auto).toEqual([
      expect.objectContaining({ step: 2, basis: "trust_window" }),
      expect.objectContaining({ step: 3, basis: "trust_window" }),
    ]);
  });

  it("asks again once a trust window has passed", async () => {
    await harness.startDesktop({ actions: [click, typeDate] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.approve(first, "U_BOB", { trustWindowMs: 1 });
    await harness.waitForPending(run.runId, first);
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });

  it("executes an approver's edit and tells the model what changed", async () => {
    await harness.startDesktop({ actions: [typeDate] });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    const edited: ComputerAction = { action: "type", text: "date -u" };
    await harness.edit(approvalId, edited);
    await harness.waitForStatus(run.runId, "finished");
    const [done] = await harness.executed(run.runId);
    expect(done!.action).toEqual(edited);
    expect(done!.note).toMatch(/changed this action.*"text":"date".*"text":"date -u"/);
  });

  it("parks an expired request, reminds the channel, and still resumes on a late decision", async () => {
    harness.collectEvents();
    await harness.startDesktop({
      actions: [click],
      policy: {
        rules: [
          {
            id: "park",
            match: {},
            decision: "ask",
            timeout: "300ms",
            expiry: "park",
            renotifyEvery: "300ms",
          },
        ],
      },
    });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    await waitFor(() => harness.events.filter((e) => e.type === "approval.parked").length >= 3, {
      what: "reminders",
    });
    const reminders = harness.events
      .filter((e) => e.type === "approval.parked")
      .map((e) => (e.type === "approval.parked" ? e.reminder : -1));
    expect(reminders.slice(0, 3)).toEqual([0, 1, 2]);
    expect((await harness.run(run.runId))?.status).toBe("waiting");
    expect((await harness.approve(approvalId)).kind).toBe("decided");
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });

  it("keeps a desktop for its waiting run; a second run starts when the first ends", async () => {
    await harness.startDesktop({ desktop: "desk-a", actions: [click] });
    const first = await harness.startRun({ desktop: "desk-a" });
    const firstApproval = await harness.waitForPending(first.runId);
    const second = await harness.startRun({ desktop: "desk-a" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await harness.run(second.runId))?.status).toBe("queued");
    await harness.approve(firstApproval);
    await harness.waitForStatus(first.runId, "finished");
    const secondApproval = await harness.waitForPending(second.runId);
    await harness.approve(secondApproval);
    await harness.waitForStatus(second.runId, "finished");
  });

  it("sends targeted runs only to their desktop, and untargeted ones to a free one", async () => {
    await harness.startDesktop({ desktop: "desk-a", actions: [click] });
    await harness.startDesktop({ desktop: "desk-b", actions: [click] });
    const pinned = await harness.startRun({ desktop: "desk-b" });
    await harness.waitForPending(pinned.runId);
    expect((await harness.run(pinned.runId))?.desktop).toBe("desk-b");
    const any = await harness.startRun();
    await harness.waitForPending(any.runId);
    expect((await harness.run(any.runId))?.desktop).toBe("desk-a");
  });

  it("loses nothing when Redis restarts while a run waits", async () => {
    await harness.startDesktop({ actions: [click] });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    await redis.server.restart();
    await waitFor(
      async () => (await harness.backend.redis.ping().catch(() => undefined)) === "PONG",
      { what: "redis back" },
    );
    expect((await harness.backend.store.get(approvalId))?.status).toBe("pending");
    expect((await harness.approve(approvalId)).kind).toBe("decided");
    await harness.waitForStatus(run.runId, "finished", 20_000);
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });
});

describe("the gate judges what will run", () => {
  const example = parse(
    readFileSync(new URL("../../../../infra/policy/example-policy.yaml", import.meta.url), "utf8"),
  );

  async function requestFor(runId: string, notId?: string) {
    return (await harness.backend.store.get(await harness.waitForPending(runId, notId)))!.request;
  }

  it("asks about Enter typed inside `type`, and after a look-only step, on its own: high risk", async () => {
    await harness.startDesktop({
      actions: [{ action: "type", text: "rm -rf ~/x\n" }],
      policy: example,
    });
    const inside = await harness.startRun();
    expect(await requestFor(inside.runId)).toMatchObject({
      requiredApprovals: 1,
      ruleId: "submit-after-typing",
      risk: "high",
    });
    expect((await requestFor(inside.runId)).grantable).toBeUndefined();
    await harness.startDesktop({
      desktop: "desk-b",
      actions: [typeDate, { action: "wait", duration: 0.1 }, { action: "screenshot" }, enter],
      policy: example,
    });
    const run = await harness.startRun({ desktop: "desk-b" });
    const typing = await harness.waitForPending(run.runId);
    await harness.approve(typing);
    const enterRequest = await requestFor(run.runId, typing);
    expect(enterRequest).toMatchObject({ step: 4, risk: "high", ruleId: "submit-after-typing" });
  });

  it("denies every spelling of a denied key, and a click at the pointer inside a denied region", async () => {
    await harness.startDesktop({
      desktop: "prod",
      actions: [
        { action: "key", text: "meta+l" },
        { action: "key", text: "windows+l" },
        { action: "key", text: "super_l+l" },
        { action: "key", text: "control_l+alt+Delete" },
        { action: "left_click" },
        { action: "left_click" },
      ],
      policy: example,
    });
    const run = await harness.startRun({ desktop: "prod" });
    // Something else on the desktop left the pointer over the top panel.
    harness.computers[0]!.movePointer([600, 10]);
    await harness.waitForStatus(run.runId, "finished");
    expect(await harness.executed(run.runId)).toEqual([]);
    expect((await harness.denied(run.runId)).map((d) => [d.step, d.reason])).toEqual([
      [1, expect.stringMatching(/locking the screen and logging out/)],
      [2, expect.stringMatching(/locking the screen/)],
      [3, expect.stringMatching(/locking the screen/)],
      [4, expect.stringMatching(/logging out/)],
      [5, expect.stringMatching(/top panel is off limits/)],
      [6, expect.stringMatching(/top panel is off limits/)],
    ]);
  });

  it("asks again when the screen the approver saw was not kept", async () => {
    await harness.startDesktop({ actions: [click] });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.backend.redis.del(redisKeys.screenBaseline(first));
    await harness.approve(first);
    const second = await harness.waitForPending(run.runId, first);
    expect(second).toBe(`${first}_2`);
    expect(await harness.executed(run.runId)).toEqual([]);
    const blocked = (await harness.backend.audit.read(run.runId)).find(
      (r) => r.event.type === "action.blocked_screen_changed",
    );
    expect(blocked?.event).toMatchObject({ difference: 1, where: "no baseline was kept" });
  });

  it("keeps the screen it compares with as long as the request can be decided", async () => {
    await harness.startDesktop({
      actions: [click],
      policy: { rules: [{ id: "a", match: {}, decision: "ask", timeout: "72h", expiry: "park" }] },
    });
    const run = await harness.startRun();
    const approvalId = await harness.waitForPending(run.runId);
    const approvalTtl = await harness.backend.redis.pttl(redisKeys.approval(approvalId));
    const baselineTtl = await harness.backend.redis.pttl(redisKeys.screenBaseline(approvalId));
    expect(baselineTtl).toBeGreaterThan(3 * 24 * 3600_000);
    expect(Math.abs(baselineTtl - approvalTtl)).toBeLessThan(60_000);
  });

  it("takes a proposal whose text holds a lone surrogate, and still approves and stops", async () => {
    await harness.startDesktop({
      actions: [click, click],
      rationale: "the page says \ud800 click",
    });
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    const state = (await harness.backend.store.get(first))!;
    expect(state.request.rationale).toBe("the page says \ufffd click");
    expect((await harness.approve(first)).kind).toBe("decided");
    await harness.waitForPending(run.runId, first);
    expect((await harness.backend.runDesk.cancelRun(run.runId, { userId: "U_ALICE" })).kind).toBe(
      "cancelled",
    );
    await harness.waitForStatus(run.runId, "cancelled");
    expect(await harness.executed(run.runId)).toHaveLength(1);
  });
});

describe("the card's picture", () => {
  it("marks where the pointer is for a click or a scroll with no coordinate", async () => {
    await harness.startDesktop({
      actions: [
        { action: "left_click" },
        { action: "scroll", scroll_direction: "down", scroll_amount: 2 },
      ],
    });
    harness.computers[0]!.movePointer([40, 50]);
    const run = await harness.startRun();
    const first = await harness.waitForPending(run.runId);
    await harness.approve(first);
    await harness.waitForPending(run.runId, first);
    expect(harness.rendered.map((r) => [r.action.action, r.pointer])).toEqual([
      ["left_click", [40, 50]],
      ["scroll", [40, 50]],
    ]);
  });
});
