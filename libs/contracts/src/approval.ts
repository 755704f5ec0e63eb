import { z } from "zod";
import { computerActionSchema } from "./computer-action.ts";
import {
  actorSchema,
  approvalIdSchema,
  desktopNameSchema,
  isoTimeSchema,
  runIdSchema,
} from "./ids.ts";

/** What happens when nobody decides in time (a policy setting). */
export const expiryModeSchema = z.enum(["deny", "park"]);
export type ExpiryMode = z.infer<typeof expiryModeSchema>;

/** A request for a human decision on one proposed action. Stored in Redis, shown as a card. */
export const approvalRequestSchema = z.object({
  approvalId: approvalIdSchema,
  runId: runIdSchema,
  step: z.number().int().min(1),
  desktop: desktopNameSchema,
  action: computerActionSchema,
  rationale: z.string().optional(),
  /** Redis key of the annotated PNG the approver sees (target marked). */
  screenshotKey: z.string().optional(),
  /** Screen size the action's coordinates refer to (the model's space), for the card. */
  screen: z
    .object({ width: z.number().int().positive(), height: z.number().int().positive() })
    .optional(),
  requestedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  /** 1 normally; 2 when a policy rule asks for two different approvers. */
  requiredApprovals: z.number().int().min(1).max(5),
  expiryMode: expiryModeSchema,
  /** For parked requests: how often the channel is reminded. */
  renotifyEveryMs: z.number().int().positive().optional(),
  /** The policy rule that asked for a human, for the card and the audit trail. */
  ruleId: z.string().optional(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/** One click's worth of decision, as the bot hands it to the gate. */
export const decisionSchema = z.object({
  verdict: z.enum(["approve", "deny"]),
  by: actorSchema,
  at: isoTimeSchema,
  reason: z.string().trim().min(1).max(2_000).optional(),
  /** Approve a changed action instead of the proposed one. */
  editedAction: computerActionSchema.optional(),
  /** Also auto-approve this run's next actions for this long ("approve for 10 min"). */
  trustWindowMs: z
    .number()
    .int()
    .positive()
    .max(24 * 60 * 60 * 1000)
    .optional(),
});
export type Decision = z.infer<typeof decisionSchema>;

const approvalSchema = z.object({ by: actorSchema, at: isoTimeSchema });

/** How a request ended. Exhaustive: handle every status with a `switch`. */
export const approvalOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("approved"),
    approvals: z.array(approvalSchema).min(1),
    at: isoTimeSchema,
    editedAction: computerActionSchema.optional(),
    trustWindowMs: z.number().int().positive().optional(),
  }),
  z.object({
    status: z.literal("denied"),
    by: actorSchema,
    at: isoTimeSchema,
    reason: z.string().optional(),
  }),
  z.object({ status: z.literal("expired"), at: isoTimeSchema }),
  z.object({ status: z.literal("cancelled"), at: isoTimeSchema, by: actorSchema.optional() }),
]);
export type ApprovalOutcome = z.infer<typeof approvalOutcomeSchema>;

/** The stored state of a request: pending (with partial approvals), parked, or decided. */
export const approvalStateSchema = z.object({
  request: approvalRequestSchema,
  status: z.enum(["pending", "parked", "decided"]),
  /** Approvals so far, for quorum rules; each user counts once. */
  approvals: z.array(approvalSchema),
  outcome: approvalOutcomeSchema.optional(),
});
export type ApprovalState = z.infer<typeof approvalStateSchema>;
