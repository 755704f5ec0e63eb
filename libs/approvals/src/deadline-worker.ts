import { jobCatalog, parseOrThrow, queueNames } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { createWorker, type Worker } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import type { ApprovalDecisions } from "./approval-decisions.ts";

/**
 * Runs approval deadlines, escalations, parked-request reminders and grant end times. Both apps run one, so a request
 * expires on time even when the worker that asked is dead; BullMQ hands each job to one.
 */
export function createDeadlineWorker(
  connection: Redis,
  decisions: ApprovalDecisions,
  logger: Logger,
): Worker {
  return createWorker(
    queueNames.approvalDeadlines,
    async (job) => {
      switch (job.name) {
        case "approval.escalate": {
          const payload = parseOrThrow(jobCatalog[job.name], job.data, `${job.name} payload`);
          return (await decisions.escalate(payload.approvalId, payload.stage))
            ? "escalated"
            : "not_pending";
        }
        case "grant.lapse": {
          const payload = parseOrThrow(jobCatalog[job.name], job.data, `${job.name} payload`);
          await decisions.grants.lapse(payload.grantId, payload.runId);
          return "lapsed";
        }
        default: {
          const payload = parseOrThrow(
            jobCatalog["approval.expire"],
            job.data,
            "approval.expire payload",
          );
          const result = await decisions.expire(payload.approvalId, payload.reminder);
          return result.kind;
        }
      }
    },
    { connection, logger, concurrency: 4 },
  );
}
