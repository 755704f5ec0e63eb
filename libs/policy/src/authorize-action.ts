import { type ComputerAction, higherRisk, type Risk } from "@deskgate/contracts";
import { type Effect, planEffects } from "@deskgate/effects";
import type {
  AskSettings,
  Authorization,
  EffectVerdict,
  Policy,
  PolicyContext,
  PolicyRule,
} from "./policy.ts";
import { defaultRuleId } from "./policy.ts";
import { ruleMatches } from "./rule-matches.ts";

/**
 * The one authorisation step: what the policy says about an action, judged by its
 * effects on the desktop (see `planEffects`), not by how the model spelled it. Every path
 * to the desktop calls this right before actuation — a proposal, an approver's edit, a
 * trust window, a resumed run. An effect matched by any deny rule is denied; otherwise the
 * first matching rule decides it (no match: ask with the defaults). Across effects deny
 * wins over ask, ask over allow, and the strictest ask (most approvers, then the first)
 * sets how to ask. In shadow mode a deny asks instead and
 * carries the would-be denial.
 */
export function authorizeAction(
  action: ComputerAction,
  context: PolicyContext,
  policy: Policy,
): Authorization {
  const { effects } = planEffects(action, context.input);
  const verdicts = effects.map((effect) => judgeEffect(effect, context, policy));
  // An action that does nothing the vocabulary knows is asked about, never waved through.
  if (verdicts.length === 0)
    return { kind: "ask", ruleId: defaultRuleId, effects: [], ...policy.defaults };
  const denied = verdicts.find((v) => v.kind === "deny");
  if (denied && policy.mode === "enforce")
    return { kind: "deny", ruleId: denied.ruleId, reason: denied.reason, effects: verdicts };
  const asks = verdicts.filter(
    (v): v is Extract<EffectVerdict, { kind: "ask" }> => v.kind === "ask",
  );
  if (denied) {
    const rule = policy.rules.find((r) => r.id === denied.ruleId)!;
    // What a deny rule would refuse is high risk: no grant, plan or trust window covers it.
    return {
      ...strictest([
        ...asks,
        { kind: "ask", ruleId: rule.id, effect: denied.effect, ...settingsOf(rule), risk: "high" },
      ]),
      effects: verdicts,
      shadowDenied: { ruleId: denied.ruleId, reason: denied.reason },
    };
  }
  if (asks.length > 0) return { ...strictest(asks), effects: verdicts };
  return {
    kind: "allow",
    ruleId: verdicts[0]!.ruleId,
    effects: verdicts,
    risk: verdicts.reduce<Risk>((risk, verdict) => higherRisk(risk, riskOf(verdict)), "low"),
  };
}

/**
 * Deny wins: any deny rule that may match the effect decides it, wherever it stands in the
 * file (a rule that surely matches gives the reason before one that only may). Otherwise the first rule that surely matches decides — made stricter by every ask
 * rule before it that may match (an unknown window or place, an extra modifier, the Enter
 * inside a `type`): when it cannot be told whether a rule applies, the stricter of the two
 * possibilities holds. So a rule placed first to ask less in some window never asks less
 * for a window the desktop cannot name.
 */
function judgeEffect(effect: Effect, context: PolicyContext, policy: Policy): EffectVerdict {
  // The reason given is a deny rule's that surely matches, when one does.
  const denies = policy.rules.filter((candidate) => candidate.decision === "deny");
  const denial =
    denies.find((candidate) => ruleMatches(candidate, effect, context, "narrow")) ??
    denies.find((candidate) => ruleMatches(candidate, effect, context));
  if (denial) return { kind: "deny", ruleId: denial.id, reason: denial.reason, effect };
  let doubt: AskVerdict | undefined;
  for (const rule of policy.rules) {
    if (rule.decision === "deny") continue;
    if (ruleMatches(rule, effect, context, "narrow"))
      return stricter(verdictOf(rule, effect), doubt);
    if (rule.decision === "ask" && ruleMatches(rule, effect, context, "broad"))
      doubt = stricter(askOf(rule.id, effect, rule), doubt) as AskVerdict;
  }
  return stricter(askOf(defaultRuleId, effect, policy.defaults), doubt);
}

type AskVerdict = Extract<EffectVerdict, { kind: "ask" }>;

const riskRank: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

function askOf(ruleId: string, effect: Effect, settings: AskSettings): AskVerdict {
  return { kind: "ask", ruleId, effect, ...settingsOf(settings) };
}

function verdictOf(rule: PolicyRule, effect: Effect): EffectVerdict {
  return rule.decision === "allow"
    ? { kind: "allow", ruleId: rule.id, effect, risk: rule.risk }
    : askOf(rule.id, effect, rule);
}

/**
 * The stricter of a verdict and an ask that may apply: an ask beats an allow; of two asks,
 * the one needing more approvers sets how to ask (the surer one when equal), with the
 * higher risk of the two.
 */
function stricter(verdict: EffectVerdict, doubt: AskVerdict | undefined): EffectVerdict {
  if (!doubt || verdict.kind === "deny") return verdict;
  if (verdict.kind === "allow") return doubt;
  const base = doubt.requiredApprovals > verdict.requiredApprovals ? doubt : verdict;
  return { ...base, risk: higherRisk(verdict.risk, doubt.risk) };
}

function settingsOf(settings: AskSettings): AskSettings {
  return {
    requiredApprovals: settings.requiredApprovals,
    timeoutMs: settings.timeoutMs,
    expiryMode: settings.expiryMode,
    renotifyEveryMs: settings.renotifyEveryMs,
    risk: settings.risk,
    ...(settings.escalation && { escalation: settings.escalation }),
  };
}

function riskOf(verdict: EffectVerdict): Risk {
  return verdict.kind === "deny" ? "high" : verdict.risk;
}

/**
 * The ask with the most approvers, then the highest risk (the first of equals), sets how
 * to ask and names the rule; the risk is the highest of every effect's.
 */
function strictest(
  asks: ReadonlyArray<Extract<EffectVerdict, { kind: "ask" }>>,
): { kind: "ask"; ruleId: string } & AskSettings {
  const weight = (ask: AskVerdict) => ask.requiredApprovals * 10 + riskRank[ask.risk];
  let best = asks[0]!;
  for (const ask of asks) if (weight(ask) > weight(best)) best = ask;
  const risk = asks.reduce<Risk>((highest, ask) => higherRisk(highest, ask.risk), "low");
  return { kind: "ask", ruleId: best.ruleId, ...settingsOf(best), risk };
}
