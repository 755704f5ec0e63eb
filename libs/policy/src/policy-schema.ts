import {
  computerActionNames,
  desktopNameSchema,
  desktopPatternCovers,
  desktopPatternSchema,
  expiryModeSchema,
  riskSchema,
  slackChannelIdSchema,
} from "@deskgate/contracts";
import { envDuration } from "@deskgate/core";
import { parseKeyCombo } from "@deskgate/effects";
import { z } from "zod";

const durationHint = 'must be a duration such as "30m", "90s" or "1500ms"';

/** "30m", "90s", "1500ms", "2h", or a number of milliseconds. */
const durationSchema = z
  .union([z.string(), z.number()], { error: durationHint })
  .transform((value, ctx) => {
    const parsed = typeof value === "number" ? value : envDuration.safeParse(value).data;
    if (parsed === undefined || !Number.isInteger(parsed) || parsed <= 0) {
      ctx.addIssue({ code: "custom", message: `${durationHint}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  });

const actionNameSchema = z.enum(computerActionNames, {
  error: (issue) =>
    `unknown action ${JSON.stringify(issue.input)} (known: ${computerActionNames.join(", ")})`,
});

/** A single value is accepted where a list is expected (`afterAction: type`). */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(item).min(1));
}

// Compiled here, once, so a bad pattern stops the service at start-up, not mid-run.
const regexSchema = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (error) {
    // The engine's message already reads "Invalid regular expression: /(/: Unterminated group".
    const message = error instanceof Error ? error.message : `invalid regular expression: ${error}`;
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  }
});

const regionSchema = z
  .tuple([
    z.number().int().min(0),
    z.number().int().min(0),
    z.number().int().min(0),
    z.number().int().min(0),
  ])
  .refine(
    ([x0, y0, x1, y1]) => x1 > x0 && y1 > y0,
    "must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0",
  );

// Parsed with the actuator's own vocabulary: a misspelt key would otherwise be a rule that
// never matches anything.
const keyComboSchema = z
  .string()
  .trim()
  .min(1)
  .transform((text, ctx) => {
    const parsed = parseKeyCombo(text);
    if (parsed.ok) return parsed.combo;
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });

const approversSchema = z.number().int().min(1).max(5);

// Strict objects: a misspelt field ("approver", "matches") is an error, not a silently
// ignored condition that makes a rule match more than its author meant.
export const policyMatchSchema = z.strictObject({
  actions: oneOrMany(actionNameSchema).optional(),
  textMatches: regexSchema.optional(),
  keys: oneOrMany(keyComboSchema).optional(),
  region: regionSchema.optional(),
  afterAction: oneOrMany(actionNameSchema).optional(),
  desktops: oneOrMany(desktopNameSchema).optional(),
  /**
   * The window the effect reaches: its WM_CLASS class and title. A title is whatever the
   * program showing the window says (a web page sets its own, a terminal program too), so
   * `titleMatches` only ever makes a verdict stricter: it is refused in allow rules, and
   * an ask rule with it never decides ahead of the rules after it (see `ruleMatches`).
   */
  window: z
    .strictObject({
      class: oneOrMany(z.string().trim().min(1).max(200)).optional(),
      titleMatches: regexSchema.optional(),
    })
    .refine((window) => window.class !== undefined || window.titleMatches !== undefined, {
      message: "needs class or titleMatches",
    })
    .optional(),
});

const riskRating = z.enum(riskSchema.options, {
  error: (issue) => `unknown risk ${JSON.stringify(issue.input)} (use low, medium or high)`,
});

const slackIdSchema = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, "a Slack user id (U…/W…) or user group id (S…)");

/**
 * When nobody answers: remind the channel after `remindAfter`, tell the `backup` people
 * directly after `backupAfter` (they may then approve), and at `timeout` apply `expiry`.
 */
const escalationFileSchema = z
  .strictObject({
    remindAfter: durationSchema.optional(),
    backupAfter: durationSchema.optional(),
    backup: oneOrMany(slackIdSchema).optional(),
  })
  .refine(
    (escalation) => (escalation.backupAfter === undefined) === (escalation.backup === undefined),
    {
      message: "backupAfter and backup go together",
    },
  )
  .refine(
    (escalation) =>
      escalation.remindAfter === undefined ||
      escalation.backupAfter === undefined ||
      escalation.remindAfter < escalation.backupAfter,
    { message: "remindAfter must come before backupAfter" },
  );

export const policyRuleSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/, "letters, digits, '-', '_' and '.', at most 80"),
  description: z.string().optional(),
  match: policyMatchSchema,
  decision: z.enum(["allow", "deny", "ask"], {
    error: (issue) => `unknown decision ${JSON.stringify(issue.input)} (use allow, deny or ask)`,
  }),
  reason: z.string().trim().min(1).max(500).optional(),
  approvers: approversSchema.optional(),
  timeout: durationSchema.optional(),
  expiry: expiryModeSchema.optional(),
  renotifyEvery: durationSchema.optional(),
  /** Default: low for allow, medium for ask (a deny has no risk to rate). */
  risk: riskRating.optional(),
  escalation: escalationFileSchema.optional(),
});

export const policyDefaultsSchema = z.strictObject({
  approvers: approversSchema.optional(),
  timeout: durationSchema.optional(),
  expiry: expiryModeSchema.optional(),
  renotifyEvery: durationSchema.optional(),
  /** The risk of what no rule matches (default medium). */
  risk: riskRating.optional(),
  escalation: escalationFileSchema.optional(),
});

const approvalRouteSchema = z.strictObject({
  desktops: z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z
      .array(desktopPatternSchema, {
        error: (issue) =>
          issue.input === undefined
            ? "required: the desktops (names, or prefixes ending in *) whose runs go to this channel"
            : undefined,
      })
      .min(1, "name at least one desktop, or a prefix ending in *"),
  ),
  channel: slackChannelIdSchema,
});

/**
 * `approvalChannels`: which Slack channel the runs of which desktops are posted in, first
 * matching route wins (one file may serve a fleet). A route after another that already
 * names all its desktops would never be used: refused, like a duplicate rule id.
 */
const approvalChannelsSchema = z
  .array(approvalRouteSchema, {
    error: (issue) =>
      issue.code === "invalid_type"
        ? "must be a list of routes such as [{ desktops: [qa-*], channel: C0123ABCD }]"
        : undefined,
  })
  .superRefine((routes, ctx) => {
    const earlier: Array<{ pattern: string; route: number }> = [];
    routes.forEach((route, index) => {
      route.desktops.forEach((pattern, position) => {
        const first = earlier.find((seen) => desktopPatternCovers(seen.pattern, pattern));
        if (first)
          ctx.addIssue({
            code: "custom",
            path: [index, "desktops", position],
            message: `${JSON.stringify(pattern)} is never reached: approvalChannels[${first.route}] routes ${JSON.stringify(first.pattern)} first`,
          });
        earlier.push({ pattern, route: index });
      });
    });
  });

/** A rules file (JSON or YAML) as written by an operator; see infra/policy/example-policy.yaml. */
export const policyFileSchema = z
  .strictObject({
    mode: z.enum(["enforce", "shadow"]).default("enforce"),
    /**
     * Plan approval: when a model turn proposes several actions, one card asks about them
     * all (each still authorised right before it runs). false: one card per action.
     */
    plans: z.boolean().default(true),
    defaults: policyDefaultsSchema.default({}),
    /**
     * The Slack channel runs on these desktops are posted in (root message, cards, thread),
     * ahead of the bot's SLACK_DESKTOP_CHANNELS; followed only if the bot serves it.
     */
    approvalChannels: approvalChannelsSchema.default([]),
    rules: z.array(policyRuleSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "id"],
          message: "duplicate rule id",
        });
      }
      seen.add(rule.id);
      if (rule.decision === "deny" && rule.risk !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "risk"],
          message: "a deny rule refuses the action: it has no risk to rate",
        });
      if (rule.decision === "allow" && rule.risk === "high")
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "risk"],
          message: "high risk always gets a card of its own: use decision: ask",
        });
      if (rule.decision === "allow" && rule.match.window?.titleMatches !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "match", "window", "titleMatches"],
          message:
            "a window's title is set by the program that shows it (a web page sets its own): titleMatches may make a rule stricter (ask, deny), never allow",
        });
      if (rule.decision !== "ask" && rule.escalation !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "escalation"],
          message: "only a rule that asks has anyone to escalate to",
        });
    });
  });
export type PolicyFile = z.infer<typeof policyFileSchema>;
export type PolicyFileInput = z.input<typeof policyFileSchema>;
