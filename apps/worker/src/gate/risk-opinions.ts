import { higherRisk, type RiskOpinion } from "@deskgate/contracts";
import type { AskFor } from "./ask-for-approval.ts";
import { trimPlan } from "./plan-builder.ts";

/**
 * What the risk judge's opinions change about a card, by step number. They only raise:
 * the asked step's risk becomes the higher of the policy's and the judge's (the opinion is
 * shown on the card whatever it says); a plan ends before the first later step the judge
 * rates high — that step then gets a card of its own, as a high-risk step from the policy
 * would — and is dropped when the first step is rated high or fewer than two asked steps
 * remain; a card rated high offers no grant. Steps the policy allows outright are not
 * judged: they run without a card, plan or not. Pure.
 */
export function withRiskOpinions(
  asked: AskFor,
  opinions: ReadonlyMap<number, RiskOpinion>,
): AskFor {
  const first = asked.plan?.[0]?.step;
  const own = first === undefined ? opinions.values().next().value : opinions.get(first);
  const risk = higherRisk(asked.risk, own?.risk);
  const raised: AskFor = {
    ...asked,
    risk,
    ...(own ? { riskOpinion: own } : {}),
    grantable: Boolean(asked.grantable) && risk !== "high",
  };
  if (!asked.plan) return raised;
  if (risk === "high") return { ...raised, plan: undefined };
  const steps = [];
  for (const [index, step] of asked.plan.entries()) {
    const judged =
      step.authorization.kind === "ask"
        ? higherRisk(step.risk, opinions.get(step.step)?.risk)
        : step.risk;
    if (index > 0 && judged === "high") break;
    steps.push({ ...step, risk: index === 0 ? risk : judged });
  }
  return { ...raised, plan: trimPlan(steps) };
}
