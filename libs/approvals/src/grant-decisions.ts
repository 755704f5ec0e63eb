import type { AuditLog } from "@deskgate/audit";
import type { Actor, ApprovalState, Grant } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { enqueue } from "@deskgate/queue";
import type { GrantStore } from "./grant-store.ts";
import type { RunEventPublisher } from "./run-event-publisher.ts";
import type { RunQueues } from "./run-queues.ts";

export interface GrantDecisionsDeps {
  grants: GrantStore;
  queues: RunQueues;
  publisher: RunEventPublisher;
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
}

/** grt_<the approval id's run and step>: one grant per request, found again on a retry. */
export function grantIdFor(approvalId: string): string {
  return `grt_${approvalId.replace(/^apr_/, "")}`;
}

/**
 * Grants as decisions: made by an approving vote ("Approve & allow similar…"), ended by a
 * Revoke click or by their end time. Each is recorded in the audit trail and announced to
 * the run's thread once, however many callers repeat the follow-up.
 */
export class GrantDecisions {
  constructor(private readonly deps: GrantDecisionsDeps) {}

  /**
   * The grant an approved request's deciding votes asked for, when the request offered
   * one (`grantable`: one approver, not high risk, nothing a deny rule would refuse).
   */
  async fromApproval(state: ApprovalState): Promise<Grant | undefined> {
    const { request, outcome } = state;
    if (outcome?.status !== "approved" || !request.grantable) return undefined;
    const vote = outcome.approvals.find((candidate) => candidate.grant !== undefined);
    if (!vote?.grant) return undefined;
    const until = new Date(outcome.at).getTime() + vote.grant.durationMs;
    if (until <= this.deps.now().getTime()) return undefined;
    const grant: Grant = {
      ...vote.grant,
      grantId: grantIdFor(request.approvalId),
      runId: request.runId,
      desktop: request.desktop,
      approvalId: request.approvalId,
      step: request.step,
      by: vote.by,
      createdAt: outcome.at,
      until: new Date(until).toISOString(),
    };
    await this.deps.grants.create(grant);
    const recorded = await this.deps.audit.appendOnce(
      {
        type: "grant.created",
        runId: request.runId,
        at: outcome.at,
        approvalId: request.approvalId,
        step: request.step,
        grant,
      },
      `grant:${grant.grantId}`,
    );
    if (recorded === undefined) return grant;
    await this.deps.publisher.announce({
      type: "grant.created",
      runId: request.runId,
      at: outcome.at,
      grant,
    });
    await enqueue(
      this.deps.queues.deadlines(),
      "grant.lapse",
      { grantId: grant.grantId, runId: request.runId },
      { delay: vote.grant.durationMs, jobId: `lapse-${grant.grantId}` },
    );
    this.deps.logger.info({ runId: request.runId, grantId: grant.grantId }, "grant created");
    return grant;
  }

  get(grantId: string): Promise<Grant | undefined> {
    return this.deps.grants.get(grantId);
  }

  /** Revoked from its thread message. The grant as it was, or undefined when already over. */
  async revoke(grantId: string, by: Actor): Promise<Grant | undefined> {
    const grant = await this.deps.grants.revoke(grantId);
    if (grant) await this.recordEnd(grant, { by });
    return grant;
  }

  /** Its end time came: the thread message says it is over (the store already ignores it). */
  async lapse(grantId: string, runId: string): Promise<void> {
    // Still active (a delayed job run early by a clock ahead): it is not over yet.
    if (await this.deps.grants.get(grantId)) return;
    const grant = await this.deps.grants.find(grantId);
    await this.deps.grants.revoke(grantId);
    await this.recordEnd(grant ?? { grantId, runId }, {});
  }

  private async recordEnd(
    grant: Grant | { grantId: string; runId: string },
    { by }: { by?: Actor },
  ): Promise<void> {
    const { grantId, runId } = grant;
    const at = this.deps.now().toISOString();
    const recorded = await this.deps.audit.appendOnce(
      {
        type: "grant.ended",
        runId,
        at,
        grantId,
        end: by ? { kind: "revoked", by } : { kind: "lapsed" },
      },
      `grant-end:${grantId}`,
    );
    if (recorded === undefined) return;
    await this.deps.publisher.announce({
      type: "grant.ended",
      runId,
      at,
      grantId,
      ...("by" in grant ? { grant } : {}),
      ...(by ? { revokedBy: by } : {}),
    });
  }
}
