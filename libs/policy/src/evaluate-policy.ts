import type { ComputerAction } from "@deskgate/contracts";
import type { AskSettings, Policy, PolicyContext, PolicyDecision } from "./policy.ts";
import { defaultRuleId } from "./policy.ts";
import { ruleMatches } from "./rule-matches.ts";

/**
 * What the gate does with one proposed action: the first matching rule decides; no
 * match means ask with the policy's defaults. In shadow mode a `deny` becomes an `ask`
 * that carries the would-be denial, so a new rule can be tried without blocking anyone.
 */
export function evaluatePolicy(
  action: ComputerAction,
  context: PolicyContext,
  policy: Policy,
): PolicyDecision {
  const rule = policy.rules.find((candidate) => ruleMatches(candidate, action, context));
  if (!rule) return ask(defaultRuleId, policy.defaults);
  switch (rule.decision) {
    case "allow":
      return { kind: "allow", ruleId: rule.id };
    case "ask":
      return ask(rule.id, rule);
    case "deny":
      if (policy.mode === "shadow") {
        return { ...ask(rule.id, rule), shadowDenied: { ruleId: rule.id, reason: rule.reason } };
      }
      return { kind: "deny", ruleId: rule.id, reason: rule.reason };
  }
}

function ask(ruleId: string, settings: AskSettings): PolicyDecision & { kind: "ask" } {
  return {
    kind: "ask",
    ruleId,
    requiredApprovals: settings.requiredApprovals,
    timeoutMs: settings.timeoutMs,
    expiryMode: settings.expiryMode,
    renotifyEveryMs: settings.renotifyEveryMs,
  };
}
