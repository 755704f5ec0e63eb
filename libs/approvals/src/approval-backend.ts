import { RedisStreamAuditLog } from "@deskgate/audit";
import type { Logger } from "@deskgate/core";
import { type Redis, replicasToAcknowledge } from "@deskgate/redis";
import { ApprovalDecisions } from "./approval-decisions.ts";
import { ApprovalStore } from "./approval-store.ts";
import { RedisCheckpointStore } from "./checkpoint-store.ts";
import { GrantStore } from "./grant-store.ts";
import { createRunDesk } from "./redis-run-desk.ts";
import { RunEventOutbox } from "./run-event-outbox.ts";
import { RunEventPublisher } from "./run-event-publisher.ts";
import { RunQueues } from "./run-queues.ts";
import { RunRegistry } from "./run-registry.ts";
import { ScreenshotStore } from "./screenshot-store.ts";

/** Every Redis-backed part of runs and approvals, built once per process over one connection. */
export function createApprovalBackend(
  redis: Redis,
  logger: Logger,
  now: () => Date = () => new Date(),
) {
  const queues = new RunQueues(redis);
  const store = new ApprovalStore(redis);
  const registry = new RunRegistry(redis, now);
  const audit = new RedisStreamAuditLog({ redis });
  const publisher = new RunEventPublisher(queues, new RunEventOutbox(redis));
  const screenshots = new ScreenshotStore(redis);
  const checkpoints = new RedisCheckpointStore(redis);
  const grants = new GrantStore(redis, now);
  const decisions = new ApprovalDecisions({
    redis,
    store,
    queues,
    publisher,
    audit,
    grants,
    logger,
    now,
  });
  const runDesk = createRunDesk({
    redis,
    queues,
    registry,
    store,
    decisions,
    screenshots,
    audit,
    now,
    replicas: replicasToAcknowledge(redis),
    logger,
  });
  return {
    redis,
    queues,
    store,
    registry,
    audit,
    publisher,
    screenshots,
    checkpoints,
    grants,
    decisions,
    runDesk,
    now,
  };
}

export type ApprovalBackend = ReturnType<typeof createApprovalBackend>;
