import { type ApprovalState, currentVersion, votesForCurrent } from "@deskgate/contracts";
import { actionIds, type DecisionTarget, decisionTargetValue } from "./action-ids.ts";
import { describeAction } from "./describe-action.ts";
import { describeOutcome } from "./describe-outcome.ts";

export type Block = Record<string, unknown>;

export interface CardOptions {
  desktopViewUrl?: string | undefined;
  /** Shown when the request is parked: the run waits past its deadline. */
  now?: Date;
}

const slackDate = (iso: string, format = "{time}") =>
  `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^${format}|${iso}>`;

/**
 * The approval card: what the model wants to do, why, until when, and the buttons while
 * a decision is open; the decision in place of the buttons once there is one. Pure.
 */
export function approvalCard(
  state: ApprovalState,
  options: CardOptions = {},
): { text: string; blocks: Block[] } {
  const { request } = state;
  const version = currentVersion(state);
  const what = describeAction(version.action);
  const blocks: Block[] = [
    { type: "section", text: { type: "mrkdwn", text: `*Step ${request.step} · ${what}*` } },
  ];
  if (version.number > 1) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `:pencil2: Version ${version.number}, edited by <@${version.editedBy?.userId ?? "unknown"}> · the model proposed: ${describeAction(request.action)}`,
        },
      ],
    });
  }
  if (request.rationale) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `> ${request.rationale.slice(0, 1_500).replace(/\n/g, "\n> ")}`,
      },
    });
  }
  const facts = [
    `Run \`${request.runId}\` on \`${request.desktop}\``,
    request.ruleId ? `rule \`${request.ruleId}\`` : undefined,
    request.screenshotKey ? "screenshot with the target marked is just above" : undefined,
    options.desktopViewUrl ? `<${options.desktopViewUrl}|watch the desktop>` : undefined,
  ].filter(Boolean);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: facts.join(" · ") }] });
  if (state.status === "decided" && state.outcome) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: describeOutcome(state) } });
    return { text: `Step ${request.step}: ${what} — ${describeOutcome(state)}`, blocks };
  }
  const votes = votesForCurrent(state);
  const needs =
    version.requiredApprovals > 1 || votes.length > 0
      ? ` · needs ${version.requiredApprovals} approver${version.requiredApprovals > 1 ? "s" : ""} of version ${version.number}, ${votes.length} so far${votes.length ? `: ${votes.map((a) => `<@${a.by.userId}>`).join(", ")}` : ""}`
      : "";
  const waiting =
    state.status === "parked"
      ? `:hourglass: *Past its deadline (${slackDate(request.expiresAt)}), the run is still waiting for a decision*`
      : `Decide by ${slackDate(request.expiresAt)}`;
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${waiting}${needs}` }] });
  blocks.push({
    type: "actions",
    block_id: "decision",
    elements: buttons({ approvalId: request.approvalId, version: version.number }, request.runId),
  });
  return { text: `Approval needed · step ${request.step}: ${what}`, blocks };
}

function buttons(target: DecisionTarget, runId: string): Block[] {
  const approvalId = decisionTargetValue(target);
  const button = (text: string, actionId: string, value: string, style?: "primary" | "danger") => ({
    type: "button",
    text: { type: "plain_text", text },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  });
  return [
    button("Approve", actionIds.approve, approvalId, "primary"),
    button("Deny", actionIds.deny, approvalId, "danger"),
    button("Deny with reason…", actionIds.denyWithReason, approvalId),
    button("Edit…", actionIds.edit, approvalId),
    button("Approve for 10 min", actionIds.approveForWindow, approvalId),
    {
      ...button("Stop run", actionIds.stopRun, runId, "danger"),
      confirm: {
        title: { type: "plain_text", text: "Stop this run?" },
        text: { type: "mrkdwn", text: "The agent stops; nothing more happens on the desktop." },
        confirm: { type: "plain_text", text: "Stop" },
        deny: { type: "plain_text", text: "Keep going" },
      },
    },
  ];
}
