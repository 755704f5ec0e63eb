import {
  type ApprovalBackend,
  createDeadlineWorker,
  DesktopLease,
  redisKeys,
} from "@deskgate/approvals";
import { desktopRunQueueName, queueNames } from "@deskgate/contracts";
import { type Logger, settleWithin } from "@deskgate/core";
import type { Computer } from "@deskgate/desktop";
import type { Policy } from "@deskgate/policy";
import { createWorker, type Worker } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import { DesktopInputStore } from "./gate/desktop-input-store.ts";
import { RedisApprovalGate, type RedisApprovalGateDeps } from "./gate/redis-approval-gate.ts";
import { bullmqRunParking } from "./gate/run-parking.ts";
import { createClaimRunProcessor } from "./handlers/claim-run-job.ts";
import type { RunAgent } from "./handlers/run-agent.ts";
import { createRunAgentProcessor } from "./handlers/run-agent-job.ts";

export interface DesktopWorkerDeps {
  connection: Redis;
  backend: ApprovalBackend;
  desktop: string;
  model: string;
  policy: Policy;
  computer: Computer;
  runAgent: RunAgent;
  renderApprovalImage: RedisApprovalGateDeps["renderApprovalImage"];
  riskJudge?: RedisApprovalGateDeps["riskJudge"];
  screenBinding: RedisApprovalGateDeps["screenBinding"];
  logger: Logger;
  /** BullMQ lock duration for a running run: how soon a dead worker's run is picked up again. */
  lockDurationMs?: number;
  /** How long close() waits for the queue workers (and an action in progress). */
  closeTimeoutMs?: number;
}

export interface DesktopWorker {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * One desktop's consumers: its own run queue (one run at a time), the shared queue (only
 * claims runs while the desktop is free), and approval deadlines.
 */
export async function startDesktopWorker(deps: DesktopWorkerDeps): Promise<DesktopWorker> {
  // The bot judges an approver's edit with the policy this desktop enforces.
  await deps.backend.redis.set(
    redisKeys.desktopPolicy(deps.desktop),
    JSON.stringify({ source: deps.policy.source }),
  );
  // Nothing is held on a desktop whose worker just started (its input was released).
  await new DesktopInputStore(deps.backend.redis, deps.desktop).released();
  const lease = new DesktopLease(deps.backend.redis, deps.desktop);
  let shared: Worker | undefined;
  const onLeaseChange = (held: boolean) => {
    if (!shared) return;
    if (held) void shared.pause(true);
    else if (shared.isPaused()) shared.resume();
  };
  const own = createWorker(
    desktopRunQueueName(deps.desktop),
    createRunAgentProcessor({
      backend: deps.backend,
      desktop: deps.desktop,
      lease,
      model: deps.model,
      runAgent: deps.runAgent,
      onLeaseChange,
      logger: deps.logger,
      makeGate: (job, token) =>
        new RedisApprovalGate({
          backend: deps.backend,
          policy: deps.policy,
          desktop: deps.desktop,
          parking: bullmqRunParking(deps.backend, deps.desktop, job, token),
          renderApprovalImage: deps.renderApprovalImage,
          riskJudge: deps.riskJudge,
          screenBinding: deps.screenBinding,
          logger: deps.logger,
        }),
    }),
    {
      connection: deps.connection,
      logger: deps.logger,
      concurrency: 1,
      // A run whose worker died mid-step resumes from its checkpoint, however often.
      maxStalledCount: 1_000,
      ...(deps.lockDurationMs
        ? { lockDurationMs: deps.lockDurationMs, stalledIntervalMs: deps.lockDurationMs }
        : {}),
    },
  );
  shared = createWorker(
    queueNames.runs,
    createClaimRunProcessor({ backend: deps.backend, desktop: deps.desktop, lease, onLeaseChange }),
    {
      connection: deps.connection,
      logger: deps.logger,
      concurrency: 1,
    },
  );
  if ((await lease.holder()) !== null) void shared.pause(true);
  const deadlines = createDeadlineWorker(deps.connection, deps.backend.decisions, deps.logger);
  const workers = [own, shared, deadlines];
  return {
    workers,
    async close() {
      // Closing waits for an action in progress to finish; parked runs stay parked in Redis.
      // Bounded: BullMQ's close never ends if it starts while a blocking connection is
      // reconnecting (taskforcesh/bullmq#4656); a job left behind is picked up again later.
      const closed = await settleWithin(
        Promise.all(workers.map((worker) => worker.close())),
        deps.closeTimeoutMs ?? 15_000,
      );
      if (!closed) deps.logger.warn("queue workers did not close in time; leaving them");
    },
  };
}
