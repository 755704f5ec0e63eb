import type { ApprovalState } from "@deskgate/contracts";
import { escapeMrkdwn } from "../slack-text/to-slack.ts";
import { type Block, contextLine, oursSection } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";

const time = (iso: string) => `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^{time}|${iso}>`;

function after(from: string, to: string): string {
  const seconds = Math.max(
    0,
    Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000),
  );
  return seconds < 120
    ? `${seconds} s after request`
    : `${Math.round(seconds / 60)} min after request`;
}

/** "Approved by @bob · 14:03 · 42 s after request", in deskgate's words; no outside text. */
function outcomeLine(state: ApprovalState): string {
  const { request, outcome } = state;
  if (!outcome) return "";
  switch (outcome.status) {
    case "approved": {
      const who = outcome.approvals.map((a) => `<@${a.by.userId}>`).join(" and ");
      const edit =
        outcome.version > 1
          ? ` · version ${outcome.version} approved: ${describeAction(outcome.action, request.input).title}`
          : "";
      const held = outcome.holdBack?.length
        ? `, except ${outcome.holdBack.join(", ")} (each asked about on its own)`
        : "";
      const plan = outcome.plan
        ? outcome.through !== undefined && outcome.through < outcome.plan.length
          ? ` · steps 1–${outcome.through} of the plan's ${outcome.plan.length}${held} (the rest will be asked about)`
          : ` · all ${outcome.plan.length} steps of the plan${held}`
        : "";
      const granting = outcome.approvals.find((vote) => vote.grant);
      const grant = granting
        ? ` · <@${granting.by.userId}> allowed similar actions (see the grant in this thread)`
        : "";
      const trusting = outcome.approvals.find((vote) => vote.trustWindowMs);
      const window = trusting?.trustWindowMs
        ? ` · <@${trusting.by.userId}> trusts the next ${Math.round(trusting.trustWindowMs / 60_000)} min of single-approver steps`
        : "";
      return `:white_check_mark: Approved by ${who} · ${time(outcome.at)} · ${after(request.requestedAt, outcome.at)}${plan}${edit}${window}${grant}`;
    }
    case "denied":
      return `:no_entry: Denied by <@${outcome.by.userId}> · ${time(outcome.at)} · ${after(request.requestedAt, outcome.at)}${outcome.reason ? " · reason:" : ""}`;
    case "expired":
      return `:alarm_clock: Expired at ${time(outcome.at)} with no decision · auto-denied`;
    case "cancelled":
      return `:black_square_for_stop: Run stopped${outcome.by ? ` by <@${outcome.by.userId}>` : ""} · ${time(outcome.at)}`;
  }
}

/** The decision on a card: deskgate's line, and a denial's reason as plain text. */
export function outcomeBlocks(state: ApprovalState): Block[] {
  const reason = state.outcome?.status === "denied" ? state.outcome.reason : undefined;
  return reason
    ? [contextLine([{ ours: outcomeLine(state) }, { outside: reason }])]
    : [oursSection(outcomeLine(state))];
}

/** The decision as one mrkdwn line (ephemeral answers): the reason escaped. */
export function outcomeText(state: ApprovalState): string {
  const reason = state.outcome?.status === "denied" ? state.outcome.reason : undefined;
  return `${outcomeLine(state)}${reason ? ` ${escapeMrkdwn(reason)}` : ""}`;
}

/** Old name, kept for the answers that say how a request was decided. */
export const describeOutcome = outcomeText;
