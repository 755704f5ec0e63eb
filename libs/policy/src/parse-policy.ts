import type { Risk } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import type { z } from "zod";
import type { AskSettings, Policy, PolicyMatch, PolicyOptions, PolicyRule } from "./policy.ts";
import { defaultRenotifyEveryMs } from "./policy.ts";
import { type PolicyFile, policyFileSchema } from "./policy-schema.ts";

type RuleEntry = PolicyFile["rules"][number];

/**
 * Validates and compiles a rules file's content. Throws `AppError("policy_invalid")`
 * naming every problem at once, each with the rule's index and id and the field.
 */
export function parsePolicy(raw: unknown, options: PolicyOptions): Policy {
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("policy_invalid", describePolicyIssues(parsed.error, raw).join("; "));
  }
  return compilePolicy(parsed.data, options, raw);
}

function compilePolicy(file: PolicyFile, options: PolicyOptions, source: unknown): Policy {
  const defaults: AskSettings = {
    requiredApprovals: file.defaults.approvers ?? 1,
    timeoutMs: file.defaults.timeout ?? options.approvalTimeoutMs,
    expiryMode: file.defaults.expiry ?? "deny",
    renotifyEveryMs: file.defaults.renotifyEvery ?? defaultRenotifyEveryMs,
    risk: file.defaults.risk ?? "medium",
    ...escalationOf(file.defaults.escalation),
  };
  const rules = file.rules.map((rule) => compileRule(rule, defaults));
  const late = [{ id: "defaults", ...defaults }, ...rules].flatMap((settings) =>
    escalationProblem(settings),
  );
  if (late.length > 0) throw new AppError("policy_invalid", late.join("; "));
  return Object.freeze({
    mode: file.mode,
    plans: file.plans,
    defaults: Object.freeze(defaults),
    rules: Object.freeze(rules),
    approvalChannels: Object.freeze(
      file.approvalChannels.flatMap(({ desktops, channel }) =>
        desktops.map((pattern) => Object.freeze({ pattern, channel })),
      ),
    ),
    source: JSON.parse(JSON.stringify(source)) as unknown,
  });
}

type EscalationEntry = PolicyFile["defaults"]["escalation"];

function escalationOf(entry: EscalationEntry): Pick<AskSettings, "escalation"> {
  if (!entry) return {};
  return {
    escalation: Object.freeze({
      ...(entry.remindAfter !== undefined && { remindAfterMs: entry.remindAfter }),
      ...(entry.backupAfter !== undefined && { backupAfterMs: entry.backupAfter }),
      backup: entry.backup ?? [],
    }),
  };
}

/** An escalation step after the deadline would never happen: say so at start-up. */
function escalationProblem(settings: AskSettings & { id: string }): string[] {
  const { escalation, timeoutMs, id } = settings;
  if (!escalation || settings.expiryMode !== "deny") return [];
  const late = [
    ["remindAfter", escalation.remindAfterMs],
    ["backupAfter", escalation.backupAfterMs],
  ].filter(([, ms]) => typeof ms === "number" && ms >= timeoutMs);
  return late.map(
    ([name]) =>
      `${id === "defaults" ? "defaults" : `rule ${JSON.stringify(id)}`} escalation.${name}: must come before the timeout (${timeoutMs / 60_000} min), when an unanswered request is denied`,
  );
}

function compileRule(rule: RuleEntry, defaults: AskSettings): PolicyRule {
  const { match } = rule;
  const compiled: PolicyMatch = {
    ...(match.actions && { actions: new Set(match.actions) }),
    ...(match.textMatches && { textMatches: match.textMatches }),
    ...(match.keys && { keys: Object.freeze([...match.keys]) }),
    ...(match.region && { region: match.region }),
    ...(match.afterAction && { afterAction: new Set(match.afterAction) }),
    ...(match.desktops && { desktops: new Set(match.desktops) }),
    ...(match.window && {
      window: Object.freeze({
        ...(match.window.class && { classes: new Set(match.window.class) }),
        ...(match.window.titleMatches && { titleMatches: match.window.titleMatches }),
      }),
    }),
  };
  return Object.freeze({
    id: rule.id,
    match: Object.freeze(compiled),
    decision: rule.decision,
    reason: rule.reason ?? `blocked by policy rule "${rule.id}"`,
    requiredApprovals: rule.approvers ?? defaults.requiredApprovals,
    timeoutMs: rule.timeout ?? defaults.timeoutMs,
    expiryMode: rule.expiry ?? defaults.expiryMode,
    renotifyEveryMs: rule.renotifyEvery ?? defaults.renotifyEveryMs,
    risk: rule.risk ?? riskByDecision(rule.decision, defaults.risk),
    // Only an ask has anyone to escalate to; a rule that sets none inherits the defaults'.
    ...(rule.decision === "ask" &&
      (rule.escalation
        ? escalationOf(rule.escalation)
        : defaults.escalation && { escalation: defaults.escalation })),
  });
}

/** Allowing is low risk, refusing high (a shadow-mode deny asks as high), asking the defaults'. */
function riskByDecision(decision: RuleEntry["decision"], asking: Risk): Risk {
  switch (decision) {
    case "allow":
      return "low";
    case "deny":
      return "high";
    case "ask":
      return asking;
  }
}

/**
 * `rules[2] (id "no-sudo") match.textMatches: invalid regular expression: …`,
 * `approvalChannels[0] channel: must be a Slack channel id …`
 */
export function describePolicyIssues(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    const [head, index, ...rest] = issue.path.map(String);
    if (
      (head === "rules" || head === "approvalChannels") &&
      index !== undefined &&
      /^\d+$/.test(index)
    ) {
      const id = head === "rules" ? ruleIdAt(raw, Number(index)) : undefined;
      const where = `${head}[${index}]${id === undefined ? "" : ` (id ${JSON.stringify(id)})`}`;
      return rest.length > 0
        ? `${where} ${rest.join(".")}: ${issue.message}`
        : `${where}: ${issue.message}`;
    }
    const path = issue.path.map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function ruleIdAt(raw: unknown, index: number): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const rules = (raw as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return undefined;
  const rule: unknown = rules[index];
  if (typeof rule !== "object" || rule === null) return undefined;
  const id = (rule as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}
