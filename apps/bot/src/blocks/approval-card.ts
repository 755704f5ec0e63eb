import {
  type ActionVersion,
  type ApprovalState,
  currentVersion,
  votesForCurrent,
} from "@deskgate/contracts";
import { cutShownText, nonAsciiCharacters, showText } from "../slack-text/show-text.ts";
import { notificationText } from "../slack-text/to-slack.ts";
import { actionIds, type DecisionTarget, decisionTargetValue, throughValue } from "./action-ids.ts";
import { type Block, contextLine, oursSection, outsideSection, plain } from "./block-kit.ts";
import { type ActionDescription, describeAction } from "./describe-action.ts";
import { outcomeBlocks, outcomeText } from "./describe-outcome.ts";
import { fitText, slackLimits } from "./fit-to-slack.ts";
import { planOnCard, planStepBlocks, riskPieces } from "./plan-steps.ts";

export type { Block } from "./block-kit.ts";

export interface CardOptions {
  desktopViewUrl?: string | undefined;
}

/** How much of the typed text the card itself shows; the rest goes to a file in the thread. */
export const cardTextBudget = 2_800;
const rationaleBudget = 1_500;

const slackDate = (iso: string, format = "{time}") =>
  `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^${format}|${iso}>`;

/** The text the version types, as shown (⏎ ⇥ ␠ ⟦U+…⟧), or undefined. */
export function shownTypedText(
  state: ApprovalState,
  version = currentVersion(state),
): string | undefined {
  const typed = describeAction(version.action, state.request.input).typed;
  return typed === undefined ? undefined : showText(typed);
}

/** The file in the run's thread that holds a version's whole typed text, when it needs one. */
export function fullTextFile(state: ApprovalState, version = currentVersion(state)) {
  const shown = shownTypedText(state, version);
  if (shown === undefined || shown.length <= cardTextBudget) return undefined;
  return {
    filename: `step-${state.request.step}-version-${version.number}-text.txt`,
    content: shown,
    title: `Step ${state.request.step}, version ${version.number}: the whole text to type (⏎ Enter, ⇥ Tab, ␠ space, ⟦U+…⟧ invisible characters)`,
  };
}

/**
 * The approval card: what will happen, exactly (from the effects the policy judged), why
 * in the model's words, who has approved which version, until when, and the buttons while
 * a decision is open; the decision in their place once there is one. Outside text (typed
 * text, the rationale, reasons) is plain text. Pure.
 */
export function approvalCard(
  state: ApprovalState,
  options: CardOptions = {},
): { text: string; blocks: Block[] } {
  const { request } = state;
  const version = currentVersion(state);
  const description = describeAction(version.action, request.input);
  const plan = planOnCard(state);
  const blocks: Block[] = [];
  if (plan) {
    const last = plan.at(-1)!.step;
    blocks.push(
      oursSection(
        `*Plan · ${plan.length} steps (${request.step}–${last}), approved together.* Each step is checked again right before it runs; if the screen no longer matches, the plan stops and that step is asked about on its own.`,
      ),
      ...planStepBlocks(plan),
    );
  } else {
    blocks.push(oursSection(`*Step ${request.step} · ${description.title}*`));
    // Notes first: "These keys type the text below" stands above that text.
    if (description.notes.length > 0)
      blocks.push(contextLine([{ ours: description.notes.join(" ") }]));
    blocks.push(...typedTextBlocks(state, version, description));
    blocks.push(...submittedLineBlocks(description));
  }
  const risk = riskPieces(request.risk, request.ruleId, request.riskOpinion, version.number > 1);
  if (risk.length > 0) blocks.push(contextLine(risk));
  if (version.number > 1) blocks.push(...editBlocks(state, version));
  if (request.rationale) {
    const why = fitText(request.rationale, rationaleBudget);
    blocks.push(
      contextLine([
        {
          ours: `:speech_balloon: Why, in the model's own words${why.cut ? ` (first ${rationaleBudget} of ${request.rationale.length} characters)` : ""}:`,
        },
      ]),
      outsideSection(why.text),
    );
  }
  const facts = [
    `Run \`${request.runId}\` on \`${request.desktop}\``,
    request.ruleId ? `rule \`${request.ruleId}\`` : undefined,
    request.screenshotKey
      ? plan
        ? "screenshot with each step's target numbered is just above"
        : "screenshot with the target marked is just above"
      : undefined,
    options.desktopViewUrl ? `<${options.desktopViewUrl}|watch the desktop>` : undefined,
  ].filter(Boolean);
  blocks.push(contextLine([{ ours: facts.join(" · ") }]));
  const headline = plan
    ? `Plan of ${plan.length} steps from step ${request.step}`
    : `Step ${request.step}: ${description.title}`;
  if (state.status === "decided" && state.outcome) {
    blocks.push(...outcomeBlocks(state));
    return {
      text: notificationText(
        fitText(`${headline} — ${outcomeText(state)}`, slackLimits.messageText).text,
      ),
      blocks,
    };
  }
  blocks.push(contextLine([{ ours: decisionLine(state, version) }]));
  blocks.push({
    type: "actions",
    block_id: "decision",
    elements: buttons({ approvalId: request.approvalId, version: version.number }, request.runId, {
      planSteps: plan?.length,
      grantable: request.grantable === true,
    }),
  });
  return {
    text: notificationText(fitText(`Approval needed · ${headline}`, slackLimits.messageText).text),
    blocks,
  };
}

function typedTextBlocks(
  state: ApprovalState,
  version: ActionVersion,
  description: ActionDescription,
): Block[] {
  if (description.typed === undefined) return [];
  const shown = showText(description.typed);
  const { text, cut } = fitShown(shown);
  const blocks: Block[] = [outsideSection(text)];
  const file = fullTextFile(state, version);
  const notes: string[] = [];
  if (cut && file)
    notes.push(
      `:warning: The text is longer than a card can show: this is the first part. All ${Array.from(description.typed).length} characters, exactly, are in *${file.filename}* just above.`,
    );
  if (/[⏎⇥␠⟦]/.test(shown))
    notes.push("⏎ is Enter, ⇥ Tab, ␠ a space, ⟦U+…⟧ an invisible or unusual character.");
  if (notes.length > 0) blocks.push(contextLine([{ ours: notes.join(" ") }]));
  const unusual = nonAsciiCharacters(description.typed);
  if (unusual.length > 0)
    blocks.push(
      contextLine([{ ours: "Characters beyond ASCII:" }, { outside: unusual.join(" · ") }]),
    );
  return blocks;
}

/**
 * What an Enter (or a key that may act as one) sends: the line typed since the last Enter,
 * shown exactly, and a warning when part of it is text deskgate did not see.
 */
function submittedLineBlocks(description: ActionDescription): Block[] {
  const submits = description.submits;
  if (!submits) return [];
  const verb = submits.how === "surely" ? "sends" : "may send";
  const unseen =
    "a click, a paste, a history key, a completion or an earlier Enter came before it, so the field may hold text deskgate did not see or that it sent before, or lack what a deletion took out: read it on the screenshot";
  if (submits.lines.every((line) => line.length === 0))
    return [contextLine([{ ours: `:warning: What this key ${verb} is not known: ${unseen}.` }])];
  const { text } = fitShown(showText(submits.lines.join("\n")));
  const more = submits.lines.length > 1 ? `, then each line after it (one per Enter)` : "";
  return [
    contextLine([
      {
        ours: `This ${verb === "sends" ? "Enter sends" : "key may send"} the line typed since the last Enter${more}${submits.partial ? ` — and more: ${unseen}` : ""}:`,
      },
    ]),
    outsideSection(text),
  ];
}

function fitShown(shown: string) {
  return cutShownText(shown, cardTextBudget);
}

function editBlocks(state: ApprovalState, version: ActionVersion): Block[] {
  const { request } = state;
  const original = describeAction(request.action, request.input);
  const pieces = [
    {
      ours: `:pencil2: Version ${version.number}, edited by <@${version.editedBy?.userId ?? "unknown"}>${version.ruleId ? ` (rule \`${version.ruleId}\` asks ${version.requiredApprovals} approvers of it)` : ""}. The model proposed: ${original.title}`,
    },
  ];
  const blocks: Block[] = [contextLine(pieces)];
  if (original.typed !== undefined) {
    const { text } = cutShownText(showText(original.typed), 1_000);
    blocks.push(contextLine([{ ours: "Proposed text:" }, { outside: text }]));
  }
  return blocks;
}

function decisionLine(state: ApprovalState, version: ActionVersion): string {
  const { request } = state;
  const votes = votesForCurrent(state);
  const needs =
    version.requiredApprovals > 1 || votes.length > 0
      ? ` · needs ${version.requiredApprovals} approver${version.requiredApprovals > 1 ? "s" : ""} of version ${version.number}, ${votes.length} so far${votes.length ? `: ${votes.map((a) => `<@${a.by.userId}>`).join(", ")}` : ""}`
      : "";
  const waiting =
    state.status === "parked"
      ? `:hourglass: *Past its deadline (${slackDate(request.expiresAt)}), the run is still waiting for a decision*`
      : `Decide by ${slackDate(request.expiresAt)}`;
  return `${waiting}${needs}`;
}

/**
 * The card's buttons. A plan: Approve all, Approve holding back some steps (each then
 * asked about on its own), Approve only through step k (a menu), Deny, Edit step 1 (an
 * edit replaces the plan with that one step). One action: Approve. Both: "Approve & allow
 * similar…" where a grant may cover what they do.
 */
function buttons(
  target: DecisionTarget,
  runId: string,
  offer: { planSteps: number | undefined; grantable: boolean },
): Block[] {
  const value = decisionTargetValue(target);
  const button = (
    text: string,
    actionId: string,
    buttonValue: string,
    style?: "primary" | "danger",
  ) => ({
    type: "button",
    text: plain(text, slackLimits.buttonText),
    action_id: actionId,
    value: buttonValue,
    ...(style ? { style } : {}),
  });
  const steps = offer.planSteps;
  const approving: Block[] = steps
    ? [
        button(`Approve all ${steps} steps`, actionIds.approve, value, "primary"),
        button("Approve, holding back steps…", actionIds.holdBack, value),
        ...(offer.grantable
          ? [button("Approve all & allow similar…", actionIds.allowSimilar, value)]
          : []),
        {
          type: "static_select",
          action_id: actionIds.approveThrough,
          placeholder: plain("Approve only through step…", slackLimits.buttonText),
          options: Array.from({ length: steps - 1 }, (_, index) => ({
            text: plain(
              index === 0 ? "Step 1 only" : `Steps 1–${index + 1} only`,
              slackLimits.buttonText,
            ),
            value: throughValue(target, index + 1),
          })),
        },
      ]
    : [
        button("Approve", actionIds.approve, value, "primary"),
        ...(offer.grantable
          ? [button("Approve & allow similar…", actionIds.allowSimilar, value)]
          : []),
      ];
  return [
    ...approving,
    button("Deny", actionIds.deny, value, "danger"),
    button("Deny with reason…", actionIds.denyWithReason, value),
    button(steps ? "Edit step 1…" : "Edit…", actionIds.edit, value),
    {
      ...button("Stop run", actionIds.stopRun, runId, "danger"),
      confirm: {
        title: plain("Stop this run?", slackLimits.confirmTitle),
        text: plain(
          "The agent stops: an action in progress is cut short at its next safe point, and nothing more is done on the desktop.",
          slackLimits.confirmText,
        ),
        confirm: plain("Stop", slackLimits.confirmButton),
        deny: plain("Keep going", slackLimits.confirmButton),
      },
    },
  ];
}
