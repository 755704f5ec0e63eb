import type { DecisionAuditEvent } from "./decision-audit-event.ts";

/** How one executed step was let through, as the audit trail tells it. */
export type StepAuthority =
  /** A person's approval of a request for this step alone, given before it ran. */
  | { kind: "own_decision"; approvalId: string; approvers: number }
  /** Approved with other steps (a plan), by a rule, by a trust window, or by nothing seen. */
  | { kind: "not_its_own"; why: string };

/**
 * Who let step `step` run: the last approval (`approval.granted`) or auto approval
 * (`action.auto_approved`) of the step before its first `action.executed`. It is the
 * step's own decision only when that is a grant with at least one human vote of an
 * `approval.requested` made earlier for this step alone — the request's step is this step
 * and it lists no further plan steps. Undefined when the step never ran.
 */
export function authorityOf(
  events: readonly DecisionAuditEvent[],
  step: number,
): StepAuthority | undefined {
  const ran = events.findIndex((event) => event.type === "action.executed" && event.step === step);
  if (ran < 0) return undefined;
  const requests = new Map<string, { step: number; planSteps?: number[] | undefined }>();
  let authority: StepAuthority = { kind: "not_its_own", why: "no approval of it was recorded" };
  for (const event of events.slice(0, ran)) {
    switch (event.type) {
      case "approval.requested":
        requests.set(event.approvalId, { step: event.step, planSteps: event.planSteps });
        break;
      case "approval.granted": {
        const request = requests.get(event.approvalId);
        const covers = request && (request.step === step || request.planSteps?.includes(step));
        if (covers)
          authority = judgeGrant(
            request,
            step,
            event.approvalId,
            event.approvers.length,
            event.through,
          );
        break;
      }
      case "action.auto_approved":
        if (event.step === step)
          authority = { kind: "not_its_own", why: `auto-approved (${event.basis})` };
        break;
      case "action.executed":
        break;
    }
  }
  return authority;
}

function judgeGrant(
  request: { step: number; planSteps?: number[] | undefined },
  step: number,
  approvalId: string,
  approvers: number,
  through: number | undefined,
): StepAuthority {
  // A plan approved "Step 1 only" is a decision about its first step alone.
  const alone = (request.planSteps?.length ?? 1) === 1 || through === 1;
  if (request.step !== step || !alone)
    return { kind: "not_its_own", why: `approved as part of a plan (${approvalId})` };
  if (approvers < 1)
    return { kind: "not_its_own", why: `granted with no human vote (${approvalId})` };
  return { kind: "own_decision", approvalId, approvers };
}

/** The steps of `consequential` that ran without a decision of their own, with why. */
export function consequentialWithoutOwnDecision(
  events: readonly DecisionAuditEvent[],
  consequential: readonly number[],
): Array<{ step: number; why: string }> {
  return consequential.flatMap((step) => {
    const authority = authorityOf(events, step);
    return authority?.kind === "not_its_own" ? [{ step, why: authority.why }] : [];
  });
}
