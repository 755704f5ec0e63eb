import { z } from "zod";
import { grantIdSchema } from "./grant.ts";
import { approvalIdSchema, desktopNameSchema, runIdSchema } from "./ids.ts";
import { runEventSchema } from "./run-event.ts";
import { runRequestSchema } from "./run-request.ts";

/** BullMQ queue names. Names are also Redis key parts: no ':' (BullMQ refuses it). */
export const queueNames = {
  /** Runs any desktop may take; a desktop moves a run it claims onto its own queue. */
  runs: "runs",
  /** Worker → bot announcements (run events). */
  runEvents: "run-events",
  /** Deadlines of approval requests, run by whichever process is alive. */
  approvalDeadlines: "approval-deadlines",
} as const;

/** The queue that only one desktop consumes: runs pinned to it, and its runs once claimed. */
export function desktopRunQueueName(desktop: string): string {
  return `runs.${desktopNameSchema.parse(desktop)}`;
}

/**
 * Job name → payload schema. Job names are commands. Retry policy lives with the queue lib,
 * next to the code that enqueues.
 */
export const jobCatalog = {
  "agent.run": runRequestSchema,
  "run-event.announce": runEventSchema,
  /** A request's deadline (reminder 0), or a parked request's nth reminder. */
  "approval.expire": z.object({
    approvalId: approvalIdSchema,
    runId: runIdSchema,
    reminder: z.number().int().min(0).default(0),
  }),
  /** Nobody answered yet: remind the channel, or tell the backup approvers. */
  "approval.escalate": z.object({
    approvalId: approvalIdSchema,
    runId: runIdSchema,
    stage: z.enum(["remind", "backup"]),
  }),
  /** A grant's end time: its thread message says it is over. */
  "grant.lapse": z.object({ grantId: grantIdSchema, runId: runIdSchema }),
} as const;
export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]>;
