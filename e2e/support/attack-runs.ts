import { isEndedRunStatus } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import type { GateHarness } from "../../apps/worker/src/testing/gate-harness.ts";

/** How a run driven by one approver ended. */
export type AloneOutcome =
  /** The run ended; every request it made was decided by that one person. */
  | { kind: "ended" }
  /** A request needed more than one person: the run waits on it. */
  | { kind: "needs_more"; approvalId: string; step: number; requiredApprovals: number };

/**
 * Plays a run out with one approver: each request it makes is approved by `userId` alone,
 * until the run ends or a request needs a second person. What one person can make happen.
 */
export async function approveAlone(
  harness: GateHarness,
  runId: string,
  userId: string,
): Promise<AloneOutcome> {
  let seen: string | undefined;
  for (;;) {
    const next = await waitFor(
      async () => {
        const run = await harness.run(runId);
        if (!run) return undefined;
        if (isEndedRunStatus(run.status)) return { ended: true as const };
        const id = run.status === "waiting" ? run.pendingApprovalId : undefined;
        return id && id !== seen ? { id } : undefined;
      },
      { what: `run ${runId} to end or ask again` },
    );
    if ("ended" in next) return { kind: "ended" };
    seen = next.id;
    const result = await harness.approve(next.id, userId);
    if (result.kind === "recorded") {
      const { request } = result.state;
      return {
        kind: "needs_more",
        approvalId: next.id,
        step: request.step,
        requiredApprovals: request.requiredApprovals,
      };
    }
  }
}

/** Who let each executed step run: the approvers of its grant, or the trust window's owner. */
export async function authorityByStep(
  harness: GateHarness,
  runId: string,
): Promise<Map<number, { basis: string; people: string[] }>> {
  const out = new Map<number, { basis: string; people: string[] }>();
  for (const { event } of await harness.backend.audit.read(runId)) {
    if (event.type === "approval.granted")
      out.set(event.step, { basis: "votes", people: event.approvers.map((a) => a.userId) });
    if (event.type === "action.auto_approved")
      out.set(event.step, {
        basis: event.basis,
        people: event.trustedBy ? [event.trustedBy.userId] : [],
      });
  }
  return out;
}
