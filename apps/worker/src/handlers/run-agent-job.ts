import type { ApprovalGate } from "@deskgate/agent";
import { type ApprovalBackend, type DesktopLease, redisKeys } from "@deskgate/approvals";
import type { AuditEvent } from "@deskgate/audit";
import {
  type Actor,
  type EndedRunStatus,
  isEndedRunStatus,
  jobCatalog,
  parseOrThrow,
  type RunEvent,
  type RunRequest,
  type RunStop,
  type RunSummary,
  runStopSchema,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { isDelayedError, type Job, JobLockLostError, parkJob, wakeJob } from "@deskgate/queue";
import type { RunAgent, RunAgentResult } from "./run-agent.ts";

export interface RunAgentProcessorDeps {
  backend: ApprovalBackend;
  desktop: string;
  lease: DesktopLease;
  /** The model's name, for the run's "started" announcement. */
  model: string;
  runAgent: RunAgent;
  makeGate: (job: Job, token: string | undefined) => ApprovalGate;
  /** Told when this desktop becomes busy or free (the worker pauses the shared queue). */
  onLeaseChange?: (held: boolean) => void;
  logger: Logger;
}

/** A runs.<desktop> job holding a run that is not this one's turn waits this long at most. */
const waitForLeaseMs = 7 * 24 * 3600_000;

/**
 * Processes `agent.run` jobs on this desktop's queue: reserve the desktop, run (or resume)
 * the agent, and when the run ends record it, announce it and hand the desktop on.
 * A parked run (DelayedError) keeps the desktop reserved.
 */
export function createRunAgentProcessor(deps: RunAgentProcessorDeps) {
  const { backend, lease, logger } = deps;
  return async (job: Job, token: string | undefined): Promise<string> => {
    const request = parseOrThrow(jobCatalog["agent.run"], job.data, "agent.run payload");
    const runId = request.runId;
    const log = logger.child({ runId });
    // An attempt that ended the run but lost its lock before BullMQ completed the job is
    // handed out again: the run is over, and nothing of it may run twice.
    const known = await backend.registry.get(runId);
    if (known && isEndedRunStatus(known.status)) {
      log.warn({ status: known.status }, "run already ended; completing its end again");
      await recordRunEnd(deps, runId, {
        status: known.status,
        summary: known.summary ?? emptySummary(known.endReason ?? known.status),
        reason: known.endReason ?? known.status,
        by: (await readRunStop(deps, runId))?.by,
      });
      return known.status;
    }
    if (!(await lease.acquire(runId))) {
      await lease.enqueueWaiter(runId);
      log.info({ holder: await lease.holder() }, "desktop busy; run queued behind the current one");
      return parkJob(job, token, Date.now() + waitForLeaseMs, async () => {
        if ((await lease.holder()) === null)
          await wakeJob(backend.queues.runs(deps.desktop), runId);
      });
    }
    deps.onLeaseChange?.(true);
    await ensureStarted(deps, request);
    let result: RunAgentResult;
    try {
      result = await deps.runAgent({
        request,
        gate: deps.makeGate(job, token),
        checkpoints: backend.checkpoints,
        isCancelled: async () => (await backend.redis.exists(redisKeys.cancel(runId))) === 1,
        logger: log,
      });
    } catch (err) {
      // Parked, or superseded by another attempt that owns the run now: not an end of the run.
      if (isDelayedError(err) || err instanceof JobLockLostError) throw err;
      log.error({ err }, "run failed");
      result = {
        status: "failed",
        reason: err instanceof Error ? err.message : String(err),
        summary: emptySummary(String(err)),
      };
    }
    await finishRun(deps, request, result);
    return result.status;
  };
}

async function ensureStarted(deps: RunAgentProcessorDeps, request: RunRequest): Promise<void> {
  const { backend } = deps;
  const runId = request.runId;
  if (!(await backend.registry.get(runId))) {
    await backend.registry.put({
      request,
      status: "queued",
      step: 0,
      updatedAt: backend.now().toISOString(),
    });
  }
  const first = await backend.redis.set(redisKeys.announced(runId, "started"), "1", "NX");
  await backend.registry.update(runId, { status: "running", desktop: deps.desktop });
  if (first !== "OK") return;
  const at = backend.now().toISOString();
  await backend.audit.append({
    type: "run.started",
    runId,
    at,
    desktop: deps.desktop,
    model: deps.model,
  });
  await backend.publisher.announce({
    type: "run.started",
    runId,
    at,
    desktop: deps.desktop,
    model: deps.model,
  });
}

async function finishRun(
  deps: RunAgentProcessorDeps,
  request: RunRequest,
  result: RunAgentResult,
): Promise<void> {
  const stop = await readRunStop(deps, request.runId);
  // Stopped because of a failure outside the run (Slack refused its card): it failed.
  const failure = result.status === "cancelled" ? stop?.failure : undefined;
  await recordRunEnd(deps, request.runId, {
    status: failure ? "failed" : result.status,
    summary: result.summary,
    reason: failure ?? result.reason ?? result.summary.endReason,
    by: stop?.by,
  });
}

interface RunEnd {
  status: EndedRunStatus;
  summary: RunSummary;
  reason: string;
  by: Actor | undefined;
}

/**
 * The end of a run, in an order that survives a crash anywhere: the audit record (once),
 * then the run record (what `/agent status` shows), then the announcement, then the desktop
 * handed on. Repeating it after a crash repeats only what had not happened; the bot keys
 * the summary message, so announcing twice posts it once.
 */
async function recordRunEnd(deps: RunAgentProcessorDeps, runId: string, end: RunEnd) {
  const { backend, lease } = deps;
  const at = backend.now().toISOString();
  const by = end.by ? { by: end.by } : {};
  const event: RunEndEvent =
    end.status === "finished"
      ? { type: "run.finished", runId, at, summary: end.summary }
      : end.status === "failed"
        ? { type: "run.failed", runId, at, reason: end.reason, summary: end.summary }
        : { type: "run.cancelled", runId, at, summary: end.summary, ...by };
  await backend.audit.appendOnce(auditRecordOf(event), "run-end");
  await backend.registry.update(runId, {
    status: end.status,
    summary: end.summary,
    endReason: end.reason,
    pendingApprovalId: undefined,
  });
  await backend.publisher.announce(event);
  await backend.redis.del(redisKeys.checkpoint(runId));
  await lease.release(runId);
  // Hand the desktop on, unless a run took it already (this end is being repeated).
  if ((await lease.holder()) === null) {
    const next = await lease.nextWaiter();
    if (next) await wakeJob(backend.queues.runs(deps.desktop), next);
  }
  deps.onLeaseChange?.(false);
}

/** The audit record of a run's end is its announcement; only run.finished keeps the summary. */
function auditRecordOf(event: RunEndEvent): AuditEvent {
  if (event.type === "run.finished") return event;
  const { summary: _summary, ...record } = event;
  return record;
}

type RunEndEvent = Extract<RunEvent, { type: "run.finished" | "run.failed" | "run.cancelled" }>;

async function readRunStop(
  deps: RunAgentProcessorDeps,
  runId: string,
): Promise<RunStop | undefined> {
  const raw = await deps.backend.redis.get(redisKeys.cancel(runId));
  return raw ? parseOrThrow(runStopSchema, JSON.parse(raw), "run stop record") : undefined;
}

export function emptySummary(endReason: string) {
  return {
    steps: 0,
    approved: 0,
    denied: 0,
    autoApproved: 0,
    durationMs: 0,
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    },
    endReason,
  };
}
