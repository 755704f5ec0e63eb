import { describe, expect, it } from "vitest";
import { type DecisionAuditEvent, decisionAuditEvents } from "./decision-audit-event.ts";
import { authorityOf, consequentialWithoutOwnDecision } from "./own-decisions.ts";

const runId = "run_ownDecisions1";
const at = "2026-11-30T10:00:00.000Z";
const bob = { userId: "U0BOB" };
const requested = (approvalId: string, step: number, planSteps?: number[]) => ({
  type: "approval.requested",
  runId,
  at,
  approvalId,
  step,
  action: { action: "key", text: "Return" },
  requiredApprovals: 1,
  expiresAt: at,
  ...(planSteps ? { planSteps } : {}),
});
const granted = (approvalId: string, step: number, approvers = [bob]) => ({
  type: "approval.granted",
  runId,
  at,
  approvalId,
  step,
  approvers,
  latencyMs: 5,
});
const executed = (step: number) => ({
  type: "action.executed",
  runId,
  at,
  step,
  action: { action: "key", text: "Return" },
  ok: true,
  durationMs: 3,
});
const autoApproved = (step: number, basis = "policy") => ({
  type: "action.auto_approved",
  runId,
  at,
  step,
  action: { action: "key", text: "Return" },
  basis,
});
const trail = (...events: unknown[]): DecisionAuditEvent[] => decisionAuditEvents(events);

describe("a consequential step's own decision", () => {
  it("is a person's approval of a request for that step alone, given before it ran", () => {
    const events = trail(requested("apr_a_3_1", 3), granted("apr_a_3_1", 3), executed(3));
    expect(authorityOf(events, 3)).toEqual({
      kind: "own_decision",
      approvalId: "apr_a_3_1",
      approvers: 1,
    });
    expect(consequentialWithoutOwnDecision(events, [3])).toEqual([]);
  });

  it("is not an auto approval, by a rule or by a trust window", () => {
    for (const basis of ["policy", "trust_window"]) {
      const events = trail(autoApproved(3, basis), executed(3));
      expect(consequentialWithoutOwnDecision(events, [3])).toEqual([
        { step: 3, why: `auto-approved (${basis})` },
      ]);
    }
  });

  it("is not an approval of a plan, for its first step or the ones after", () => {
    const events = trail(
      requested("apr_a_3_1", 3, [3, 4, 5]),
      granted("apr_a_3_1", 3),
      executed(3),
      executed(4),
      executed(5),
    );
    expect(consequentialWithoutOwnDecision(events, [3, 4, 5]).map((entry) => entry.step)).toEqual([
      3, 4, 5,
    ]);
    expect(authorityOf(events, 4)).toMatchObject({ why: expect.stringContaining("plan") });
  });

  it("counts a request whose plan lists only its own step as a request for that step alone", () => {
    const events = trail(requested("apr_a_3_1", 3, [3]), granted("apr_a_3_1", 3), executed(3));
    expect(authorityOf(events, 3)?.kind).toBe("own_decision");
  });

  it("is not an approval given after the action ran, or one for another step", () => {
    const late = trail(requested("apr_a_3_1", 3), executed(3), granted("apr_a_3_1", 3));
    expect(authorityOf(late, 3)).toEqual({
      kind: "not_its_own",
      why: "no approval of it was recorded",
    });
    const other = trail(requested("apr_a_2_1", 2), granted("apr_a_2_1", 2), executed(3));
    expect(authorityOf(other, 3)?.kind).toBe("not_its_own");
  });

  it("is not a grant with no human vote", () => {
    const events = trail(requested("apr_a_3_1", 3), granted("apr_a_3_1", 3, []), executed(3));
    expect(authorityOf(events, 3)).toMatchObject({ kind: "not_its_own" });
  });

  it("follows the last authority before the action: a second ask after a changed screen, a trust window after a grant", () => {
    const asked = trail(
      requested("apr_a_3_1", 3),
      granted("apr_a_3_1", 3),
      { type: "action.blocked_screen_changed", runId, at, step: 3, difference: 0.3 },
      requested("apr_a_3_2", 3),
      granted("apr_a_3_2", 3),
      executed(3),
    );
    expect(authorityOf(asked, 3)).toMatchObject({ approvalId: "apr_a_3_2" });
    const trusted = trail(
      requested("apr_a_3_1", 3),
      granted("apr_a_3_1", 3),
      autoApproved(3, "trust_window"),
      executed(3),
    );
    expect(authorityOf(trusted, 3)?.kind).toBe("not_its_own");
  });

  it("says nothing of a step that never ran", () => {
    const events = trail(requested("apr_a_3_1", 3));
    expect(authorityOf(events, 3)).toBeUndefined();
    expect(consequentialWithoutOwnDecision(events, [3])).toEqual([]);
  });
});

describe("decisionAuditEvents", () => {
  it("keeps the four event types it reads, plan steps when present, and skips the rest", () => {
    const events = decisionAuditEvents([
      { type: "run.started", runId, at, desktop: "d", model: "m" },
      requested("apr_a_3_1", 3, [3, 4]),
      requested("apr_a_5_1", 5),
    ]);
    expect(events).toEqual([
      { type: "approval.requested", approvalId: "apr_a_3_1", step: 3, planSteps: [3, 4] },
      { type: "approval.requested", approvalId: "apr_a_5_1", step: 5 },
    ]);
  });

  it("refuses a malformed event of a type it reads", () => {
    expect(() => decisionAuditEvents([{ type: "approval.granted", step: 0 }])).toThrow();
  });
});

describe("a plan approved through its first step only", () => {
  it("is that step's own decision, and no other step's", () => {
    const events = trail(
      requested("apr_a_3", 3, [3, 4, 5]),
      { ...granted("apr_a_3", 3), through: 1 },
      executed(3),
      requested("apr_a_4", 4, [4, 5]),
      granted("apr_a_4", 4),
      executed(4),
      autoApproved(5, "plan"),
      executed(5),
    );
    expect(authorityOf(events, 3)).toMatchObject({ kind: "own_decision", approvalId: "apr_a_3" });
    expect(authorityOf(events, 4)).toMatchObject({ kind: "not_its_own" });
    expect(authorityOf(events, 5)).toMatchObject({
      kind: "not_its_own",
      why: "auto-approved (plan)",
    });
  });
});
