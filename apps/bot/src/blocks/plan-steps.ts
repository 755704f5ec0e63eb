import type { ApprovalState, PlanStep, RiskOpinion } from "@deskgate/contracts";
import { currentVersion } from "@deskgate/contracts";
import { nonAsciiCharacters, showText } from "../slack-text/show-text.ts";
import { type Block, contextLine, type Piece } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";
import { fitText, slackLimits } from "./fit-to-slack.ts";

/**
 * The plan on the card, when the version shown is one: version 1 of a plan request (an
 * edit replaces a plan with one action).
 */
export function planOnCard(state: ApprovalState): PlanStep[] | undefined {
  return currentVersion(state).plan && state.request.plan ? state.request.plan : undefined;
}

/**
 * Every step of a plan, numbered as on the screenshot, one block each (a plan of 16 steps
 * stays well inside Slack's 50 blocks): what it does, the exact text it types (plain text,
 * in full — the gate keeps a plan's typed text short), any character beyond ASCII by code
 * point, and its notes. Pure.
 */
export function planStepBlocks(plan: readonly PlanStep[]): Block[] {
  return plan.map((step, index) => {
    const description = describeAction(step.action, step.input);
    // Only what the policy allowed: a low-risk ask still needs this plan's approval.
    const runsFreely = step.byPolicy ? " · runs by policy" : "";
    const pieces: Piece[] = [
      { ours: `*${index + 1}.* Step ${step.step} · ${description.title}${runsFreely}` },
    ];
    if (description.typed !== undefined) {
      pieces.push({ outside: fitText(showText(description.typed), slackLimits.contextText).text });
      const unusual = nonAsciiCharacters(description.typed);
      if (unusual.length > 0)
        pieces.push({ ours: "Beyond ASCII:" }, { outside: unusual.join(" · ") });
    }
    if (description.notes.length > 0) pieces.push({ ours: description.notes.join(" ") });
    return contextLine(pieces);
  });
}

const riskLabels = {
  low: ":large_green_circle: low",
  medium: ":large_yellow_circle: medium",
  high: ":red_circle: high — always asked on its own",
} as const;

/** "Risk: high (rule x) · risk judge: high — <its reason>", the reason as plain text. */
export function riskPieces(
  risk: ApprovalState["request"]["risk"],
  ruleId: string | undefined,
  opinion: RiskOpinion | undefined,
  /** The card shows an edit: the rating (and any opinion) was of the model's proposal. */
  edited = false,
): Piece[] {
  if (!risk) return [];
  const pieces: Piece[] = [
    {
      ours: `*Risk:* ${riskLabels[risk]}${ruleId ? ` (rule \`${ruleId}\`)` : ""}${edited ? " — rated for the model's proposal (version 1), not for the edit" : ""}`,
    },
  ];
  // A judge's words about the proposal would read as about the edit: left out.
  if (opinion && !edited)
    pieces.push(
      { ours: `· risk judge \`${opinion.model}\` says *${opinion.risk}*:` },
      { outside: opinion.reason },
    );
  return pieces;
}
