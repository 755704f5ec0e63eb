import type { AuditLog } from "@deskgate/audit";
import {
  type Actor,
  type ApprovalState,
  type Decision,
  isEndedRunStatus,
  type RunRecord,
  type RunRequest,
  type RunStop,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { type Policy, parsePolicy } from "@deskgate/policy";
import { enqueue, wakeJob } from "@deskgate/queue";
import { type Redis, waitForReplicas } from "@deskgate/redis";
import type { ApprovalDecisions } from "./approval-decisions.ts";
import type { ApprovalStore } from "./approval-store.ts";
import { redisKeys } from "./redis-keys.ts";
import type { CancelResult, DecideResult, RunDesk } from "./run-desk.ts";
import type { RunQueues } from "./run-queues.ts";
import type { RunRegistry } from "./run-registry.ts";
import type { ScreenshotStore } from "./screenshot-store.ts";

export interface RedisRunDeskDeps {
  redis: Redis;
  queues: RunQueues;
  registry: RunRegistry;
  store: ApprovalStore;
  decisions: ApprovalDecisions;
  screenshots: ScreenshotStore;
  audit: AuditLog;
  now?: () => Date;
  /** Replicas that must hold a decision before it is acknowledged (replicasToAcknowledge). */
  replicas?: number;
  logger?: Logger;
}

/** The bot's view of runs and approvals, over Redis and BullMQ. */
export function createRunDesk(deps: RedisRunDeskDeps): RunDesk {
  const now = deps.now ?? (() => new Date());
  const policies = new Map<string, { raw: string; policy: Policy }>();

  /** The desktop's published policy, compiled once per version of it. */
  async function desktopPolicy(desktop: string): Promise<Policy | undefined> {
    const raw = await deps.redis.get(redisKeys.desktopPolicy(desktop));
    if (!raw) return undefined;
    const cached = policies.get(desktop);
    if (cached?.raw === raw) return cached.policy;
    const { source } = JSON.parse(raw) as { source: unknown };
    // Timeouts do not matter here, only what is denied and how many must approve.
    const policy = parsePolicy(source, { approvalTimeoutMs: 30 * 60_000 });
    policies.set(desktop, { raw, policy });
    return policy;
  }

  /** The stop record is read by the run's worker, which ends the run after its current action. */
  async function stopRun(runId: string, stop: RunStop): Promise<CancelResult> {
    const run = await deps.registry.get(runId);
    if (!run) return { kind: "not_found" };
    if (isEndedRunStatus(run.status)) return { kind: "already_ended", run };
    // The first stop wins: a failure does not overwrite a person's stop, nor the reverse.
    await deps.redis.set(redisKeys.cancel(runId), JSON.stringify(stop), "NX");
    if (run.pendingApprovalId) await deps.decisions.cancel(run.pendingApprovalId, stop.by);
    // A parked run wakes now and ends; a queued one ends when a desktop picks it up.
    const desktop = run.desktop ?? run.request.desktop;
    await wakeJob(deps.queues.runs(desktop), runId);
    return { kind: "cancelled", run: (await deps.registry.get(runId)) ?? run };
  }

  return {
    async startRun(request: RunRequest): Promise<RunRecord> {
      const record: RunRecord = {
        request,
        status: "queued",
        step: 0,
        updatedAt: now().toISOString(),
      };
      await deps.registry.put(record);
      await deps.audit.append({
        type: "run.queued",
        runId: request.runId,
        at: now().toISOString(),
        request,
      });
      await enqueue(deps.queues.runs(request.desktop), "agent.run", request, {
        jobId: request.runId,
      });
      return record;
    },

    cancelRun: (runId: string, by: Actor) => stopRun(runId, { at: now().toISOString(), by }),

    failRun: (runId: string, reason: string) =>
      stopRun(runId, { at: now().toISOString(), failure: reason }),

    getRun: (runId: string) => deps.registry.get(runId),
    listRuns: (options = {}) => deps.registry.list(options.limit ?? 10),
    getApproval: (approvalId: string): Promise<ApprovalState | undefined> =>
      deps.store.get(approvalId),
    async decide(approvalId: string, decision: Decision): Promise<DecideResult> {
      const result = await deps.decisions.decide(approvalId, decision);
      // What the bot shows in Slack next must survive a failover to a replica.
      const replicas = deps.replicas ?? 0;
      if (replicas > 0 && result.kind !== "not_found") {
        const key = redisKeys.approval(approvalId);
        if ((await waitForReplicas(deps.redis, key, replicas)) < replicas)
          deps.logger?.warn({ approvalId }, "decision stored, but no replica has it yet");
      }
      return result;
    },
    readScreenshot: (key: string) => deps.screenshots.read(key),
    desktopPolicy,
    getGrant: (grantId: string) => deps.decisions.grants.get(grantId),
    async revokeGrant(grantId: string, by: Actor) {
      const grant = await deps.decisions.grants.revoke(grantId, by);
      // A revoked grant must stay revoked after a failover to a replica.
      const replicas = deps.replicas ?? 0;
      if (grant && replicas > 0) {
        const key =
          grant.scope === "run"
            ? redisKeys.runGrants(grant.runId)
            : redisKeys.desktopGrants(grant.desktop);
        if ((await waitForReplicas(deps.redis, key, replicas)) < replicas)
          deps.logger?.warn({ grantId }, "grant revoked, but no replica has it yet");
      }
      return grant;
    },
  };
}
