import { z } from "zod";
import { computerActionSchema } from "./computer-action.ts";
import { desktopInputStateSchema } from "./desktop-input-state.ts";
import { grantTermsSchema } from "./grant.ts";
import {
  actorSchema,
  approvalIdSchema,
  desktopNameSchema,
  isoTimeSchema,
  runIdSchema,
} from "./ids.ts";
import { riskOpinionSchema, riskSchema } from "./risk.ts";

/** What happens when nobody decides in time (a policy setting). */
export const expiryModeSchema = z.enum(["deny", "park"]);
export type ExpiryMode = z.infer<typeof expiryModeSchema>;

/** Free text that crosses into Redis's Lua (whose JSON decoder refuses lone surrogates). */
const wellFormed = (schema: z.ZodString) => schema.transform((text) => text.toWellFormed());

/** A SHA-256 hex fingerprint of an action (`actionFingerprint` in @deskgate/effects). */
export const fingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Most actions one plan card covers: a model turn rarely batches more. */
export const maxPlanSteps = 16;
/**
 * Most characters one step of a plan may type: a plan card shows every step's text in
 * full, so longer text gets a card (and, if need be, a file) of its own.
 */
export const maxPlanTypedCharacters = 300;

/** One action of a plan, with the desktop's input state it was judged with. */
export const planStepSchema = z.object({
  step: z.number().int().min(1),
  action: computerActionSchema,
  input: desktopInputStateSchema,
  risk: riskSchema,
  /**
   * The policy allowed this step when the plan was built: the card says it runs by
   * policy. Every other step is asked about, and the plan's approval is what lets it run.
   */
  byPolicy: z.literal(true).optional(),
});
export type PlanStep = z.infer<typeof planStepSchema>;

/**
 * When nobody answers: remind the channel, then tell the backup approvers directly (who
 * may then approve this request too). Times from the request's start.
 */
export const escalationSchema = z.object({
  remindAfterMs: z.number().int().positive().optional(),
  backupAfterMs: z.number().int().positive().optional(),
  /** Slack user ids (U…/W…) and user group ids (S…). */
  backup: z.array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/)).max(20),
});
export type Escalation = z.infer<typeof escalationSchema>;

/** A request for a human decision on one proposed action. Stored in Redis, shown as a card. */
export const approvalRequestSchema = z.object({
  approvalId: approvalIdSchema,
  runId: runIdSchema,
  step: z.number().int().min(1),
  desktop: desktopNameSchema,
  /** The action as proposed: version 1. */
  action: computerActionSchema,
  rationale: wellFormed(z.string()).optional(),
  /** Redis key of the annotated image the approver sees (target marked). */
  screenshotKey: z.string().optional(),
  /** Screen size the action's coordinates refer to (the model's space), for the card. */
  screen: z
    .object({ width: z.number().int().positive(), height: z.number().int().positive() })
    .optional(),
  /** The desktop's input state the action was judged with (pointer, held button, line). */
  input: desktopInputStateSchema.optional(),
  requestedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  /** Distinct approvers the policy asks for, for the proposed action. */
  requiredApprovals: z.number().int().min(1).max(5),
  expiryMode: expiryModeSchema,
  /** For parked requests: how often the channel is reminded. */
  renotifyEveryMs: z.number().int().positive().optional(),
  /** The policy rule that asked for a human, for the card and the audit trail. */
  ruleId: z.string().optional(),
  /** How risky the policy rates the action (high: a card of its own, always). */
  risk: riskSchema.optional(),
  /** The risk judge's opinion, when one is configured; it may only raise `risk`. */
  riskOpinion: riskOpinionSchema.optional(),
  /**
   * A plan: this step and the ones the model proposed after it in the same turn, approved
   * together (first = this request's own step). Each still passes the authorisation step
   * right before it runs.
   */
  plan: z.array(planStepSchema).min(2).max(maxPlanSteps).optional(),
  /** The card may offer "Approve & allow similar…" (one approver, not high risk, no deny). */
  grantable: z.boolean().optional(),
  escalation: escalationSchema.optional(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/**
 * One version of the action a request is about. Version 1 is the proposal; an approver's
 * edit adds the next one. Votes are cast for a version; only votes for the latest count.
 */
export const actionVersionSchema = z.object({
  number: z.number().int().min(1),
  action: computerActionSchema,
  fingerprint: fingerprintSchema,
  /** Distinct approvers this version needs (an edit never needs fewer than the proposal). */
  requiredApprovals: z.number().int().min(1).max(5),
  at: isoTimeSchema,
  /** Who edited it (absent for the proposal). */
  editedBy: actorSchema.optional(),
  /** The rule that set `requiredApprovals`, when an edit raised it. */
  ruleId: z.string().optional(),
  /** A plan's actions, in order (`action` is the first); the fingerprint covers them all. */
  plan: z.array(computerActionSchema).min(2).max(maxPlanSteps).optional(),
});
export type ActionVersion = z.infer<typeof actionVersionSchema>;

const trustWindowMsSchema = z
  .number()
  .int()
  .positive()
  .max(24 * 60 * 60 * 1000);

/** One person's approval of one version. */
export const voteSchema = z.object({
  by: actorSchema,
  at: isoTimeSchema,
  version: z.number().int().min(1),
  /** "Approve for 10 min": this person also trusts the run's next single-approver actions. */
  trustWindowMs: trustWindowMsSchema.optional(),
  /** A plan approved only up to this many of its steps (absent: all). */
  through: z.number().int().min(1).max(maxPlanSteps).optional(),
  /** A plan's steps (1-based positions, never 1) this person wants asked about on their own. */
  holdBack: z.array(z.number().int().min(2).max(maxPlanSteps)).min(1).max(maxPlanSteps).optional(),
  /** "Approve & allow similar…": the grant this person made with the vote. */
  grant: grantTermsSchema.optional(),
});
export type Vote = z.infer<typeof voteSchema>;

/** One click's worth of decision, as the bot hands it to the store. */
export const decisionSchema = z.discriminatedUnion("verdict", [
  z.object({
    verdict: z.literal("approve"),
    by: actorSchema,
    at: isoTimeSchema,
    /** The version the approver saw; a click on an older version is refused as stale. */
    version: z.number().int().min(1),
    trustWindowMs: trustWindowMsSchema.optional(),
    /** A plan: approve its first `through` steps only. */
    through: z.number().int().min(1).max(maxPlanSteps).optional(),
    /** A plan: these steps (positions, never 1) are asked about on their own when they come. */
    holdBack: z
      .array(z.number().int().min(2).max(maxPlanSteps))
      .min(1)
      .max(maxPlanSteps)
      .optional(),
    grant: grantTermsSchema.optional(),
  }),
  z.object({
    verdict: z.literal("deny"),
    by: actorSchema,
    at: isoTimeSchema,
    reason: wellFormed(z.string().trim().min(1).max(2_000)).optional(),
  }),
  /** Approve a changed action: it becomes the next version, with the editor's vote. */
  z.object({
    verdict: z.literal("edit"),
    by: actorSchema,
    at: isoTimeSchema,
    /** The version the editor changed; refused as stale if another edit came first. */
    basedOn: z.number().int().min(1),
    action: computerActionSchema,
    fingerprint: fingerprintSchema,
    requiredApprovals: z.number().int().min(1).max(5),
    ruleId: z.string().optional(),
  }),
]);
export type Decision = z.infer<typeof decisionSchema>;

/** How a request ended. Exhaustive: handle every status with a `switch`. */
export const approvalOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("approved"),
    /** The version approved, its action and fingerprint: exactly what may run. */
    version: z.number().int().min(1),
    action: computerActionSchema,
    fingerprint: fingerprintSchema,
    /** The votes for that version, each person once. */
    approvals: z.array(voteSchema).min(1),
    at: isoTimeSchema,
    /** A plan version's actions (the fingerprint covers them all)… */
    plan: z.array(computerActionSchema).min(2).max(maxPlanSteps).optional(),
    /** …of which the first `through` may run… */
    through: z.number().int().min(1).max(maxPlanSteps).optional(),
    /** …except these positions, each asked about on its own. */
    holdBack: z.array(z.number().int().min(2).max(maxPlanSteps)).min(1).optional(),
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

/** The stored state of a request: pending (with votes so far), parked, or decided. */
export const approvalStateSchema = z.object({
  request: approvalRequestSchema,
  status: z.enum(["pending", "parked", "decided"]),
  /** Every version so far, in order; the last is the one on the card. */
  versions: z.array(actionVersionSchema).min(1),
  /** Every vote so far, for any version; only the latest version's count. */
  approvals: z.array(voteSchema),
  outcome: approvalOutcomeSchema.optional(),
});
export type ApprovalState = z.infer<typeof approvalStateSchema>;

/** The version on the card now. */
export function currentVersion(state: ApprovalState): ActionVersion {
  return state.versions.at(-1)!;
}

/** Distinct approvers of the latest version, in the order they voted. */
export function votesForCurrent(state: ApprovalState): Vote[] {
  const current = currentVersion(state).number;
  const seen = new Set<string>();
  return state.approvals.filter((vote) => {
    if (vote.version !== current || seen.has(vote.by.userId)) return false;
    seen.add(vote.by.userId);
    return true;
  });
}
