import type { ApprovalState } from "@deskgate/contracts";
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

/** "Approved by @bob · 14:03 · 42 s after request", and the other endings. Pure. */
export function describeOutcome(state: ApprovalState): string {
  const { request, outcome } = state;
  if (!outcome) return "";
  switch (outcome.status) {
    case "approved": {
      const who = outcome.approvals.map((a) => `<@${a.by.userId}>`).join(" and ");
      const edit =
        outcome.version > 1
          ? ` · version ${outcome.version} approved: ${describeAction(outcome.action)}`
          : "";
      const trusting = outcome.approvals.find((vote) => vote.trustWindowMs);
      const window = trusting?.trustWindowMs
        ? ` · <@${trusting.by.userId}> trusts the next ${Math.round(trusting.trustWindowMs / 60_000)} min of single-approver steps`
        : "";
      return `:white_check_mark: Approved by ${who} · ${time(outcome.at)} · ${after(request.requestedAt, outcome.at)}${edit}${window}`;
    }
    case "denied":
      return `:no_entry: Denied by <@${outcome.by.userId}> · ${time(outcome.at)} · ${after(request.requestedAt, outcome.at)}${outcome.reason ? ` · reason: ${outcome.reason}` : ""}`;
    case "expired":
      return `:alarm_clock: Expired at ${time(outcome.at)} with no decision · auto-denied`;
    case "cancelled":
      return `:black_square_for_stop: Run stopped${outcome.by ? ` by <@${outcome.by.userId}>` : ""} · ${time(outcome.at)}`;
  }
}
