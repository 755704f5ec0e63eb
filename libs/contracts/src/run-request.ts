import { z } from "zod";
import { actorSchema, desktopNameSchema, isoTimeSchema, runIdSchema } from "./ids.ts";

/** What `/agent start <task>` turns into: the payload of an `agent.run` job. */
export const runRequestSchema = z.object({
  runId: runIdSchema,
  task: z
    .string()
    .trim()
    .min(1, "the task is empty")
    .max(2_000)
    .transform((task) => task.toWellFormed()),
  requester: actorSchema,
  /** Slack channel the run was started from; its thread is the run's audit trail. */
  channel: z.string().min(1),
  /** The desktop that must run it; absent means any free desktop. */
  desktop: desktopNameSchema.optional(),
  requestedAt: isoTimeSchema,
});
export type RunRequest = z.infer<typeof runRequestSchema>;
