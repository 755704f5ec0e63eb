import { z } from "zod";
import { actorSchema, approvalIdSchema, desktopNameSchema, isoTimeSchema } from "./ids.ts";
import { runSummarySchema } from "./run-event.ts";
import { runRequestSchema } from "./run-request.ts";

export const runStatusSchema = z.enum([
  "queued",
  "running",
  "waiting",
  "finished",
  "failed",
  "cancelled",
]);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const endedRunStatuses = [
  "finished",
  "failed",
  "cancelled",
] as const satisfies readonly RunStatus[];
export type EndedRunStatus = (typeof endedRunStatuses)[number];

/** Finished, failed or cancelled: nothing more happens in the run. */
export function isEndedRunStatus(status: RunStatus): status is EndedRunStatus {
  return (endedRunStatuses as readonly RunStatus[]).includes(status);
}

/** A run as `/agent status` and `/agent list` show it; kept in Redis by the run's owner. */
export const runRecordSchema = z.object({
  request: runRequestSchema,
  status: runStatusSchema,
  /** The desktop that claimed it, once one has. */
  desktop: desktopNameSchema.optional(),
  /** Actions proposed so far. */
  step: z.number().int().min(0),
  /** The request the run is waiting on, while status is "waiting". */
  pendingApprovalId: approvalIdSchema.optional(),
  updatedAt: isoTimeSchema,
  summary: runSummarySchema.optional(),
  endReason: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/**
 * Why a run must stop, written by whoever stops it (the bot) and read by the worker that
 * runs it: a person's stop (`by`), or a failure outside the run (`failure`, e.g. Slack
 * refused its approval card), which ends the run as failed with that reason.
 */
export const runStopSchema = z.object({
  at: isoTimeSchema,
  by: actorSchema.optional(),
  failure: z.string().min(1).optional(),
});
export type RunStop = z.infer<typeof runStopSchema>;
