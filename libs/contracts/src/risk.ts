import { z } from "zod";

/**
 * How much harm an action could do, as the policy (or the optional risk judge) rates it.
 * `high` always gets a card of its own: no plan, grant or trust window covers it.
 */
export const riskSchema = z.enum(["low", "medium", "high"]);
export type Risk = z.infer<typeof riskSchema>;

const rank: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

/** The higher of two ratings: a rating can be raised by a second opinion, never lowered. */
export function higherRisk(a: Risk, b: Risk | undefined): Risk {
  return b !== undefined && rank[b] > rank[a] ? b : a;
}

/** The risk judge's opinion of one action, shown on the card and kept in the audit trail. */
export const riskOpinionSchema = z.object({
  risk: riskSchema,
  reason: z
    .string()
    .max(500)
    .transform((text) => text.toWellFormed()),
  /** The model that judged. */
  model: z.string().max(100),
});
export type RiskOpinion = z.infer<typeof riskOpinionSchema>;
