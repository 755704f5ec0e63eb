import { z } from "zod";
import { approvalOutcomeSchema, approvalRequestSchema } from "./approval.ts";
import { computerActionSchema } from "./computer-action.ts";
import { grantIdSchema, grantSchema } from "./grant.ts";
import {
  actorSchema,
  approvalIdSchema,
  desktopNameSchema,
  isoTimeSchema,
  runIdSchema,
} from "./ids.ts";

export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadInputTokens: z.number().int().min(0),
  cacheCreationInputTokens: z.number().int().min(0),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const runSummarySchema = z.object({
  steps: z.number().int().min(0),
  approved: z.number().int().min(0),
  denied: z.number().int().min(0),
  autoApproved: z.number().int().min(0),
  durationMs: z.number().int().min(0),
  usage: tokenUsageSchema,
  /** Why the run ended, in words: "the model finished", "step limit (50) reached", … */
  endReason: z.string(),
  /** The model's last text, when it gave one. */
  finalText: z.string().optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** How the gate handled a proposed action before anyone clicked. */
export const reviewSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("asked"), approval: approvalRequestSchema }),
  z.object({
    kind: z.literal("auto_approved"),
    basis: z.enum(["policy", "trust_window", "grant", "plan"]),
    ruleId: z.string().optional(),
    /** A grant's id, or the plan's request. */
    grantId: grantIdSchema.optional(),
    approvalId: approvalIdSchema.optional(),
  }),
  z.object({
    kind: z.literal("denied_by_policy"),
    ruleId: z.string().optional(),
    reason: z.string(),
  }),
]);
export type Review = z.infer<typeof reviewSchema>;

const base = { runId: runIdSchema, at: isoTimeSchema };

/**
 * What happened in a run, worker → bot (the announcement queue). Past-tense facts; the bot
 * turns each into a Slack message in the run's thread.
 */
export const runEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("run.started"),
    desktop: desktopNameSchema,
    model: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("step.proposed"),
    step: z.number().int().min(1),
    action: computerActionSchema,
    rationale: z.string().optional(),
    review: reviewSchema,
  }),
  z.object({
    ...base,
    type: z.literal("step.decided"),
    step: z.number().int().min(1),
    approvalId: approvalIdSchema,
    outcome: approvalOutcomeSchema,
  }),
  z.object({
    ...base,
    type: z.literal("step.executed"),
    step: z.number().int().min(1),
    action: computerActionSchema,
    ok: z.boolean(),
    error: z.string().optional(),
    /** Redis key of the screenshot taken after the action, when one was taken. */
    screenshotKey: z.string().optional(),
  }),
  /** Started, never recorded as finished (the worker died mid-action): it may or may not have happened. */
  z.object({
    ...base,
    type: z.literal("step.interrupted"),
    step: z.number().int().min(1),
    action: computerActionSchema,
  }),
  z.object({
    ...base,
    type: z.literal("approval.parked"),
    approvalId: approvalIdSchema,
    step: z.number().int().min(1),
    /** 0 for the moment it parked, then 1, 2, … for each reminder. */
    reminder: z.number().int().min(0),
  }),
  /** A grant was made from a card: the bot shows it in the thread with a Revoke button. */
  z.object({ ...base, type: z.literal("grant.created"), grant: grantSchema }),
  /** A grant ended (revoked or lapsed): its thread message says so. */
  z.object({
    ...base,
    type: z.literal("grant.ended"),
    grantId: grantIdSchema,
    /** The grant as it was, when still known. */
    grant: grantSchema.optional(),
    revokedBy: actorSchema.optional(),
  }),
  /** Nobody has answered: remind the channel, or tell the backup approvers directly. */
  z.object({
    ...base,
    type: z.literal("approval.escalated"),
    approvalId: approvalIdSchema,
    step: z.number().int().min(1),
    stage: z.enum(["remind", "backup"]),
    backup: z.array(z.string()).optional(),
  }),
  z.object({ ...base, type: z.literal("run.finished"), summary: runSummarySchema }),
  z.object({
    ...base,
    type: z.literal("run.failed"),
    reason: z.string(),
    summary: runSummarySchema.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("run.cancelled"),
    by: actorSchema.optional(),
    summary: runSummarySchema.optional(),
  }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;

/** The event that becomes an approval card: a proposed step a person must decide. */
export function isApprovalCardEvent(event: RunEvent): event is Extract<
  RunEvent,
  { type: "step.proposed" }
> & {
  review: Extract<Review, { kind: "asked" }>;
} {
  return event.type === "step.proposed" && event.review.kind === "asked";
}
export type RunEventType = RunEvent["type"];
