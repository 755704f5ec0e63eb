import { z } from "zod";
import { computerActionSchema } from "./computer-action.ts";
import { runIdSchema } from "./ids.ts";

/** One action the model proposed, as the gate sees it (model coordinates). */
export const proposedActionSchema = z.object({
  runId: runIdSchema,
  /** 1-based count of actions proposed in this run. */
  step: z.number().int().min(1),
  /** The tool_use block's id, so the answer goes back to the right call. */
  toolUseId: z.string().min(1),
  action: computerActionSchema,
  /** The model's own text from the same turn: the "why" shown to approvers. */
  rationale: z
    .string()
    .max(4_000)
    .transform((text) => text.toWellFormed())
    .optional(),
  /**
   * The actions the model proposed after this one in the same turn, validated, in order:
   * what a plan card may cover. Stops before the first call that is not a valid action.
   */
  nextInTurn: z
    .array(z.object({ step: z.number().int().min(1), action: computerActionSchema }))
    .optional(),
});
export type ProposedAction = z.infer<typeof proposedActionSchema>;
