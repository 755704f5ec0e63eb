import type { RunRecord } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { ApproverCheck } from "./approver-check.ts";

const run = (requester: string): RunRecord => ({
  request: {
    runId: "run_abc123",
    task: "t",
    requester: { userId: requester },
    channel: "C1",
    requestedAt: "2026-11-25T10:00:00.000Z",
  },
  status: "waiting",
  step: 1,
  updatedAt: "2026-11-25T10:00:00.000Z",
});

describe("ApproverCheck", () => {
  it("refuses under the four-eyes rule when the run's record is missing", async () => {
    const check = new ApproverCheck({
      approvers: ["U1"],
      requireSecondApprover: true,
      groupMembers: async () => [],
    });
    expect(await check.mayApprove("U1", undefined)).toMatchObject({ ok: false });
  });

  it("accepts listed users and members of listed user groups, and caches group lookups", async () => {
    let lookups = 0;
    let clock = 0;
    const check = new ApproverCheck({
      approvers: ["U1", "S9"],
      requireSecondApprover: false,
      groupMembers: async () => {
        lookups += 1;
        return ["U7"];
      },
      now: () => clock,
    });
    expect(await check.mayApprove("U1", run("U5"))).toEqual({ ok: true });
    expect(await check.mayApprove("U7", run("U5"))).toEqual({ ok: true });
    expect(await check.mayApprove("U8", run("U5"))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/approver list/),
    });
    expect(lookups).toBe(1);
    clock = 61_000;
    await check.mayApprove("U7", run("U5"));
    expect(lookups).toBe(2);
  });

  it("applies the four-eyes rule to the run's requester only when enabled", async () => {
    const loose = new ApproverCheck({
      approvers: ["U1"],
      requireSecondApprover: false,
      groupMembers: async () => [],
    });
    const strict = new ApproverCheck({
      approvers: ["U1"],
      requireSecondApprover: true,
      groupMembers: async () => [],
    });
    expect(await loose.mayApprove("U1", run("U1"))).toEqual({ ok: true });
    expect(await strict.mayApprove("U1", run("U1"))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Four-eyes/),
    });
    expect(await strict.mayApprove("U1", run("U2"))).toEqual({ ok: true });
  });

  it("lets the requester or an approver stop a run, nobody else", async () => {
    const check = new ApproverCheck({
      approvers: ["U1"],
      requireSecondApprover: true,
      groupMembers: async () => [],
    });
    expect(await check.mayStop("U2", run("U2"))).toEqual({ ok: true });
    expect(await check.mayStop("U1", run("U2"))).toEqual({ ok: true });
    expect((await check.mayStop("U3", run("U2"))).ok).toBe(false);
  });
});
