import {
  actionVersionSchema,
  actorSchema,
  approvalIdSchema,
  computerActionSchema,
  desktopNameSchema,
  expiryModeSchema,
  grantIdSchema,
  grantSchema,
  isoTimeSchema,
  parseContract,
  riskOpinionSchema,
  riskSchema,
  runIdSchema,
  runRequestSchema,
  runSummarySchema,
} from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import { z } from "zod";

const base = { runId: runIdSchema, at: isoTimeSchema };
const step = z.number().int().min(1);
const durationMs = z.number().int().min(0);
const approval = { ...base, approvalId: approvalIdSchema, step };

/** Longest `input` summary kept on `action.rejected_invalid`; see `summarizeInput`. */
export const maxInputSummaryLength = 500;

/**
 * What happened in a run, as a permanent record: who approved what, when, and what ran.
 * Past-tense domain facts, not log lines; one stream per run (see RedisStreamAuditLog).
 */
export const auditEventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("run.queued"), request: runRequestSchema }),
  z.object({
    ...base,
    type: z.literal("run.started"),
    desktop: desktopNameSchema,
    model: z.string().min(1),
  }),
  z.object({
    ...approval,
    type: z.literal("approval.requested"),
    action: computerActionSchema,
    ruleId: z.string().optional(),
    /** The fingerprint of the proposed action (version 1), which approvals name. */
    fingerprint: z.string().optional(),
    requiredApprovals: z.number().int().min(1).max(5),
    expiresAt: isoTimeSchema,
    /** Shadow-mode policy: the deny rule that would have applied. */
    shadowDenied: z.object({ ruleId: z.string(), reason: z.string() }).optional(),
    /** How risky the policy rates it, and the risk judge's opinion when one is configured. */
    risk: riskSchema.optional(),
    riskOpinion: riskOpinionSchema.optional(),
    /** A plan: the steps the request covers, its own first (absent: its own step alone). */
    planSteps: z.array(step).min(2).optional(),
  }),
  /** One approval of one version on a rule that needs several; the request stays pending. */
  z.object({
    ...approval,
    type: z.literal("approval.recorded"),
    by: actorSchema,
    version: z.number().int().min(1).optional(),
  }),
  /**
   * An approver changed the action: a new version, carrying the editor's approval; earlier
   * approvals were for other versions and no longer count.
   */
  z.object({
    ...approval,
    type: z.literal("approval.edited"),
    by: actorSchema,
    version: actionVersionSchema,
  }),
  z.object({
    ...approval,
    type: z.literal("approval.granted"),
    approvers: z.array(actorSchema).min(1),
    /** From the request to the deciding click. */
    latencyMs: durationMs,
    /** Exactly what was approved: the version, its action and fingerprint. */
    version: z.number().int().min(1).optional(),
    action: computerActionSchema.optional(),
    fingerprint: z.string().optional(),
    /** A plan: its actions (the fingerprint covers them all), and how many of them may run. */
    plan: z.array(computerActionSchema).min(2).optional(),
    through: z.number().int().min(1).optional(),
    /** Plan positions held back: each asked about on its own. */
    holdBack: z.array(z.number().int().min(2)).optional(),
  }),
  /**
   * "Approve & allow similar…": effects of these kinds, in this window, on this run or
   * desktop, run without a card until `grant.until` (never high risk, a deny, or a rule
   * needing more than one approver).
   */
  z.object({ ...approval, type: z.literal("grant.created"), grant: grantSchema }),
  z.object({
    ...base,
    type: z.literal("grant.ended"),
    grantId: grantIdSchema,
    /** Revoked (by whom), or lapsed at its end time. */
    end: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("revoked"), by: actorSchema }),
      z.object({ kind: z.literal("lapsed") }),
    ]),
  }),
  /** Nobody answered yet: the channel was reminded, or the backup approvers told directly. */
  z.object({
    ...approval,
    type: z.literal("approval.escalated"),
    stage: z.enum(["remind", "backup"]),
    /** Who was told (backup stage): user ids and user group ids. */
    backup: z.array(z.string()).optional(),
  }),
  /**
   * "Approve for …": one approver trusts the run's next actions that need a single approver
   * (never a deny, never a rule that needs more) until `until`.
   */
  z.object({
    ...approval,
    type: z.literal("trust_window.opened"),
    by: actorSchema,
    until: isoTimeSchema,
  }),
  z.object({
    ...approval,
    type: z.literal("approval.denied"),
    by: actorSchema,
    reason: z.string().optional(),
    latencyMs: durationMs,
  }),
  z.object({ ...approval, type: z.literal("approval.expired"), mode: expiryModeSchema }),
  z.object({ ...approval, type: z.literal("approval.cancelled"), by: actorSchema.optional() }),
  z.object({
    ...base,
    type: z.literal("action.auto_approved"),
    step,
    action: computerActionSchema,
    basis: z.enum(["policy", "trust_window", "grant", "plan"]),
    ruleId: z.string().optional(),
    /** For a trust window or a grant: the person whose single approval this counts as. */
    trustedBy: actorSchema.optional(),
    grantId: grantIdSchema.optional(),
    /** For a plan: the request whose approved plan holds this step, and its approvers. */
    approvalId: approvalIdSchema.optional(),
    approvers: z.array(actorSchema).optional(),
  }),
  z.object({
    ...base,
    type: z.literal("action.denied_by_policy"),
    step,
    action: computerActionSchema,
    ruleId: z.string(),
    reason: z.string(),
  }),
  /** The model proposed something that is not a valid action; nothing was asked or run. */
  z.object({
    ...base,
    type: z.literal("action.rejected_invalid"),
    step,
    /** The proposed input, shortened: what the model sent, for the reader of the trail. */
    input: z.string().max(maxInputSummaryLength).optional(),
    message: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("action.executed"),
    step,
    action: computerActionSchema,
    ok: z.boolean(),
    error: z.string().optional(),
    durationMs,
  }),
  /**
   * Started but never recorded as finished (a crash, or a cancel mid-action): whether it
   * took effect on the desktop is unknown.
   */
  z.object({ ...base, type: z.literal("action.interrupted"), step, action: computerActionSchema }),
  /** Approved, but the screen changed since the approver saw it, so it was not run. */
  z.object({
    ...base,
    type: z.literal("action.blocked_screen_changed"),
    step,
    /** How much differs, 0–1 (1 when there was nothing to compare with). */
    difference: z.number().min(0),
    /** Where: "the whole screen", "around the target at (x, y)", "no baseline was kept". */
    where: z.string().optional(),
  }),
  /**
   * An approved plan stopped before this step, which was asked about on its own instead:
   * the screen or the desktop no longer matched the plan, or the policy now wants more.
   */
  z.object({
    ...approval,
    type: z.literal("plan.stopped"),
    reason: z.string(),
    /** How much of the screen around the step's target differs, 0–1, when that was why. */
    difference: z.number().min(0).optional(),
  }),
  /**
   * Approved, but right before actuation the policy asked for more approvers of the exact
   * action than it had (the desktop changed since, or an edit needs more): asked again.
   */
  z.object({
    ...approval,
    type: z.literal("action.reauthorization_required"),
    requiredApprovals: z.number().int().min(1).max(5),
    approvers: z.number().int().min(0),
    ruleId: z.string(),
  }),
  z.object({ ...base, type: z.literal("run.finished"), summary: runSummarySchema }),
  z.object({ ...base, type: z.literal("run.failed"), reason: z.string() }),
  z.object({ ...base, type: z.literal("run.cancelled"), by: actorSchema.optional() }),
  /**
   * Retention removed the screenshots of records up to `throughSeq`; their hashes stay in
   * the records, so an exported copy can still be matched to them.
   */
  z.object({
    ...base,
    type: z.literal("audit.screenshots_expired"),
    count: z.number().int().min(0),
    throughSeq: z.number().int().min(0),
    retentionMs: durationMs,
  }),
]);
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditEventType = AuditEvent["type"];
export const auditEventTypes = auditEventSchema.options.map((option) => option.shape.type.value);

/** A rejected tool input as a short JSON string for `action.rejected_invalid.input`. */
export function summarizeInput(input: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(input) ?? String(input);
  } catch {
    json = String(input);
  }
  return json.length <= maxInputSummaryLength
    ? json
    : `${json.slice(0, maxInputSummaryLength - 1)}…`;
}

/** Parses one event or throws `AppError(code)` naming every bad field. */
export function parseAuditEvent(input: unknown, code: string, label = "audit event"): AuditEvent {
  const result = parseContract(auditEventSchema, input, label);
  if (!result.ok) throw new AppError(code, result.message);
  return result.value;
}

/** Run ids become Redis key parts, so a malformed one is refused before any command. */
export function checkRunId(runId: string): void {
  const result = parseContract(runIdSchema, runId, "run id");
  if (!result.ok)
    throw new AppError("audit_run_id_invalid", `${result.message} (got ${JSON.stringify(runId)})`);
}
