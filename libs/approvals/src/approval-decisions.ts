import type { AuditLog } from "@deskgate/audit";
import {
  type Actor,
  type ApprovalState,
  currentVersion,
  type Decision,
  votesForCurrent,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { enqueue, wakeJob } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import type { ApprovalStore, TransitionResult } from "./approval-store.ts";
import { GrantDecisions } from "./grant-decisions.ts";
import type { GrantStore } from "./grant-store.ts";
import { redisKeys } from "./redis-keys.ts";
import type { DecideResult } from "./run-desk.ts";
import type { RunEventPublisher } from "./run-event-publisher.ts";
import type { RunQueues } from "./run-queues.ts";

export interface ApprovalDecisionsDeps {
  redis: Redis;
  store: ApprovalStore;
  queues: RunQueues;
  publisher: RunEventPublisher;
  audit: AuditLog;
  grants: GrantStore;
  logger: Logger;
  now?: () => Date;
}

/**
 * Decisions and what follows from them: the atomic transition, then the audit record,
 * the run event, the trust window, and waking the parked run. Used by the bot (clicks),
 * the deadline worker (expiry) and cancel.
 */
export class ApprovalDecisions {
  private readonly now: () => Date;
  /** Grants made by approving votes, and their end. */
  readonly grants: GrantDecisions;

  constructor(private readonly deps: ApprovalDecisionsDeps) {
    this.now = deps.now ?? (() => new Date());
    this.grants = new GrantDecisions({ ...deps, now: this.now });
  }

  async decide(approvalId: string, decision: Decision): Promise<DecideResult> {
    const result = await this.deps.store.decide(approvalId, decision);
    switch (result.kind) {
      case "not_found":
        return result;
      case "decided":
        await this.afterDecided(result.state);
        return { kind: "decided", state: result.state };
      case "recorded":
        await this.deps.audit.append({
          type: "approval.recorded",
          runId: result.state.request.runId,
          at: decision.at,
          approvalId,
          step: result.state.request.step,
          by: decision.by,
          version: currentVersion(result.state).number,
        });
        return { kind: "recorded", state: result.state };
      case "edited":
        await this.auditEdit(result.state);
        return { kind: "edited", state: result.state };
      case "duplicate_approver":
      case "stale_version":
        return { kind: result.kind, state: result.state };
      case "already_decided":
        // The decider may have died (or Redis gone) between the decision and its follow-ups.
        await this.completeFollowUps(result.state);
        return { kind: result.kind, state: result.state };
      case "parked":
      case "unchanged":
        throw new Error(`decide returned ${result.kind}`);
    }
  }

  /** Deadline reached: deny, or park and remind (per the request's expiry mode). */
  async expire(approvalId: string, reminder: number): Promise<TransitionResult> {
    const current = await this.deps.store.get(approvalId);
    if (!current) return { kind: "not_found" };
    if (current.status === "decided") {
      await this.completeFollowUps(current);
      return { kind: "already_decided", state: current };
    }
    const { request } = current;
    if (request.expiryMode === "deny") {
      const result = await this.deps.store.expire(approvalId, this.now());
      if (result.kind === "decided") await this.afterDecided(result.state);
      return result;
    }
    const result =
      reminder === 0
        ? await this.deps.store.park(approvalId)
        : { kind: "unchanged" as const, state: current };
    if (reminder === 0 && result.kind === "parked") {
      await this.deps.audit.append({
        type: "approval.expired",
        runId: request.runId,
        at: this.now().toISOString(),
        approvalId,
        step: request.step,
        mode: "park",
      });
    }
    await this.deps.publisher.announce({
      type: "approval.parked",
      runId: request.runId,
      at: this.now().toISOString(),
      approvalId,
      step: request.step,
      reminder,
    });
    const every = request.renotifyEveryMs ?? 10 * 60_000;
    await enqueue(
      this.deps.queues.deadlines(),
      "approval.expire",
      { approvalId, runId: request.runId, reminder: reminder + 1 },
      {
        delay: every,
        jobId: `remind-${approvalId}-${reminder + 1}`,
      },
    );
    return result;
  }

  /**
   * Nobody has answered by this stage of the request's escalation: recorded and announced
   * once (the bot reminds the channel or tells the backup approvers). Nothing for a
   * request already decided.
   */
  async escalate(approvalId: string, stage: "remind" | "backup"): Promise<boolean> {
    const state = await this.deps.store.get(approvalId);
    if (!state || state.status === "decided") return false;
    const { request } = state;
    const backup = stage === "backup" ? (request.escalation?.backup ?? []) : undefined;
    const at = this.now().toISOString();
    const base = { runId: request.runId, at, approvalId, step: request.step, stage };
    const recorded = await this.deps.audit.appendOnce(
      { ...base, type: "approval.escalated", ...(backup ? { backup } : {}) },
      `escalate:${approvalId}:${stage}`,
    );
    if (recorded === undefined) return false;
    await this.deps.publisher.announce({
      ...base,
      type: "approval.escalated",
      ...(backup ? { backup } : {}),
    });
    return true;
  }

  async cancel(approvalId: string, by?: Actor): Promise<TransitionResult> {
    const result = await this.deps.store.cancel(approvalId, this.now(), by);
    if (result.kind === "decided") await this.afterDecided(result.state);
    return result;
  }

  /**
   * Idempotent repair after a crash between a decision and what follows it: the audit
   * record is written if missing, and the run is woken (a no-op unless it is parked).
   */
  async completeFollowUps(state: ApprovalState): Promise<void> {
    await this.auditDecision(state);
    await wakeJob(this.deps.queues.runs(state.request.desktop), state.request.runId);
  }

  private async afterDecided(state: ApprovalState): Promise<void> {
    const { request, outcome } = state;
    if (!outcome) return;
    await this.auditDecision(state);
    await this.deps.publisher.announce({
      type: "step.decided",
      runId: request.runId,
      at: outcome.at,
      step: request.step,
      approvalId: request.approvalId,
      outcome,
    });
    await wakeJob(this.deps.queues.runs(request.desktop), request.runId);
    this.deps.logger.info(
      { runId: request.runId, approvalId: request.approvalId, status: outcome.status },
      "approval decided",
    );
  }

  /** The latest version's edit, once per version. */
  private async auditEdit(state: ApprovalState): Promise<void> {
    const { request } = state;
    const version = currentVersion(state);
    if (!version.editedBy) return;
    await this.deps.audit.appendOnce(
      {
        type: "approval.edited",
        runId: request.runId,
        at: version.at,
        approvalId: request.approvalId,
        step: request.step,
        by: version.editedBy,
        version,
      },
      `edit:${request.approvalId}:${version.number}`,
    );
  }

  /**
   * "Approve for 10 min" on the approved version opens a trust window: the voter's single
   * approval stands for the run's next actions that need one approver, until it closes.
   * Whoever asked for the longest window is recorded as its owner.
   */
  private async openTrustWindows(state: ApprovalState): Promise<void> {
    const { request, outcome } = state;
    if (outcome?.status !== "approved") return;
    const asked = votesForCurrent(state).filter((vote) => vote.trustWindowMs !== undefined);
    const longest = asked.sort((a, b) => (b.trustWindowMs ?? 0) - (a.trustWindowMs ?? 0))[0];
    if (!longest?.trustWindowMs) return;
    const until = new Date(outcome.at).getTime() + longest.trustWindowMs;
    await this.deps.audit.appendOnce(
      {
        type: "trust_window.opened",
        runId: request.runId,
        at: outcome.at,
        approvalId: request.approvalId,
        step: request.step,
        by: longest.by,
        until: new Date(until).toISOString(),
      },
      `trust:${request.approvalId}`,
    );
    const remainingMs = until - this.now().getTime();
    if (remainingMs <= 0) return;
    await this.deps.redis.set(
      redisKeys.trustWindow(request.runId),
      JSON.stringify({ until, by: longest.by }),
      "PX",
      remainingMs,
    );
  }

  /**
   * The decision's audit record, once per request however many callers race to write it
   * (and the trust window it opens).
   */
  private async auditDecision(state: ApprovalState): Promise<void> {
    const { request, outcome } = state;
    if (!outcome) return;
    const once = `decision:${request.approvalId}`;
    const base = {
      runId: request.runId,
      at: outcome.at,
      approvalId: request.approvalId,
      step: request.step,
    };
    const latencyMs = Math.max(
      0,
      new Date(outcome.at).getTime() - new Date(request.requestedAt).getTime(),
    );
    switch (outcome.status) {
      case "approved":
        // An edit that decided the request in one step is on record before the grant.
        if (outcome.version > 1) await this.auditEdit(state);
        await this.deps.audit.appendOnce(
          {
            ...base,
            type: "approval.granted",
            approvers: outcome.approvals.map((a) => a.by),
            latencyMs,
            version: outcome.version,
            action: outcome.action,
            fingerprint: outcome.fingerprint,
            ...(outcome.plan ? { plan: outcome.plan, through: outcome.through } : {}),
            ...(outcome.holdBack ? { holdBack: outcome.holdBack } : {}),
          },
          once,
        );
        await this.openTrustWindows(state);
        await this.grants.fromApproval(state);
        break;
      case "denied":
        await this.deps.audit.appendOnce(
          {
            ...base,
            type: "approval.denied",
            by: outcome.by,
            latencyMs,
            ...(outcome.reason ? { reason: outcome.reason } : {}),
          },
          once,
        );
        break;
      case "expired":
        await this.deps.audit.appendOnce({ ...base, type: "approval.expired", mode: "deny" }, once);
        break;
      case "cancelled":
        await this.deps.audit.appendOnce(
          { ...base, type: "approval.cancelled", ...(outcome.by ? { by: outcome.by } : {}) },
          once,
        );
        break;
    }
  }
}
