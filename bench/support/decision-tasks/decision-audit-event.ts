import { computerActionSchema } from "@deskgate/contracts";
import { z } from "zod";

const step = z.number().int().min(1);

/**
 * The audit events (libs/audit, `auditEventSchema`) that say who let a step run, reduced
 * to what the "decision of its own" check reads. `planSteps` is optional: a request that
 * covers further steps (a plan) lists them all, its own step first; without it a request
 * covers its own step alone.
 */
export const decisionAuditEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("approval.requested"),
    approvalId: z.string(),
    step,
    planSteps: z.array(step).min(1).optional(),
  }),
  z.object({
    type: z.literal("approval.granted"),
    approvalId: z.string(),
    step,
    approvers: z.array(z.object({ userId: z.string() })),
    /** A plan approved only through this many steps ("Step 1 only" is a decision of its own). */
    through: z.number().int().min(1).optional(),
  }),
  z.object({ type: z.literal("action.auto_approved"), step, basis: z.string() }),
  z.object({
    type: z.literal("action.executed"),
    step,
    action: computerActionSchema,
    ok: z.boolean(),
  }),
]);
export type DecisionAuditEvent = z.infer<typeof decisionAuditEventSchema>;

const readTypes: ReadonlySet<string> = new Set(
  decisionAuditEventSchema.options.map((option) => option.shape.type.value),
);

/**
 * The events the check reads, in trail order; other events are skipped. A malformed event
 * of a read type throws (a gap in what decided a step must not pass unnoticed).
 */
export function decisionAuditEvents(events: readonly unknown[]): DecisionAuditEvent[] {
  return events.flatMap((event) => {
    const type = z.object({ type: z.string() }).safeParse(event);
    if (!type.success || !readTypes.has(type.data.type)) return [];
    return [decisionAuditEventSchema.parse(event)];
  });
}
