import {
  type ApprovalState,
  currentVersion,
  type Decision,
  votesForCurrent,
} from "@deskgate/contracts";
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import { type DecisionTarget, parseDecisionTarget } from "../../blocks/action-ids.ts";
import { describeOutcome } from "../../blocks/describe-outcome.ts";
import type { BotContext } from "../../bot-context.ts";
import { refreshCard } from "../../card-poster.ts";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function ephemeral(ctx: BotContext, body: BlockAction, text: string) {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) return Promise.resolve();
  return ctx.client.chat.postEphemeral({ channel, user: body.user.id, text });
}

/** An open request and the version the clicker saw. */
export interface OpenRequest {
  state: ApprovalState;
  target: DecisionTarget;
  /** The clicker decides it as its backup approver only (`ApproverVerdict`). */
  backupOnly?: true;
}

/**
 * Checks a click before anything changes: the button names a request, it exists, is still
 * open, and the clicker may approve this run. Returns it, or undefined after answering.
 */
export async function openRequestFor(
  ctx: BotContext,
  body: BlockAction,
  value: string | undefined,
): Promise<OpenRequest | undefined> {
  const target = parseDecisionTarget(value);
  const state = target ? await ctx.runDesk.getApproval(target.approvalId) : undefined;
  if (!target || !state) {
    await ephemeral(ctx, body, "This request no longer exists (its run ended long ago).");
    return undefined;
  }
  if (state.status === "decided") {
    // The card is edited once per decision, by whoever decided; a late click changes
    // nothing, so its clicker alone is told (chat.update is Tier 3 for the workspace).
    await ephemeral(ctx, body, `Already decided — ${describeOutcome(state)}`);
    return undefined;
  }
  const verdict = await ctx.approvers.mayApprove(
    body.user.id,
    await ctx.runDesk.getRun(state.request.runId),
    state.request,
  );
  if (!verdict.ok) {
    await ephemeral(ctx, body, verdict.reason);
    return undefined;
  }
  return { state, target, ...(verdict.backupOnly ? { backupOnly: true as const } : {}) };
}

/** Answers one person privately in the run's channel (also for modals, which have no channel). */
async function tellUser(
  ctx: BotContext,
  runId: string,
  userId: string,
  text: string,
): Promise<void> {
  const thread = await ctx.refs.thread(runId);
  if (thread) await ctx.client.chat.postEphemeral({ channel: thread.channel, user: userId, text });
}

type DecisionInput =
  | Omit<Extract<Decision, { verdict: "approve" }>, "by" | "at">
  | Omit<Extract<Decision, { verdict: "deny" }>, "by" | "at">
  | Omit<Extract<Decision, { verdict: "edit" }>, "by" | "at">;

/** Records a decision and answers the decider; the card is updated for everyone. */
export async function applyDecision(
  ctx: BotContext,
  user: { id: string; name?: string | undefined },
  approvalId: string,
  decision: DecisionInput,
): Promise<void> {
  const by = { userId: user.id, ...(user.name ? { name: user.name } : {}) };
  const result = await ctx.runDesk.decide(approvalId, {
    ...decision,
    by,
    at: new Date().toISOString(),
  } as Decision);
  if (result.kind === "not_found") return;
  const answer = (text: string) => tellUser(ctx, result.state.request.runId, user.id, text);
  const version = currentVersion(result.state);
  const needs = (count: number) =>
    `${version.requiredApprovals} different approvers of this version, ${count} so far`;
  switch (result.kind) {
    case "decided": {
      const { request, outcome } = result.state;
      if (outcome)
        ctx.onDecided?.(
          (new Date(outcome.at).getTime() - new Date(request.requestedAt).getTime()) / 1000,
        );
      await refreshCard(ctx, approvalId);
      return;
    }
    case "recorded":
      await refreshCard(ctx, approvalId);
      await answer(`Recorded. This step needs ${needs(votesForCurrent(result.state).length)}.`);
      return;
    case "edited":
      await refreshCard(ctx, approvalId);
      await answer(
        `Your edit is version ${version.number}, with your approval. It needs ${needs(votesForCurrent(result.state).length)}: earlier approvals were for another version, so teammates must approve this one.`,
      );
      return;
    case "stale_version":
      await refreshCard(ctx, approvalId);
      await answer(
        `Not recorded: the action was changed${version.editedBy ? ` by <@${version.editedBy.userId}>` : ""} after you looked (the card now shows version ${version.number}). Read it again and decide on what it shows now.`,
      );
      return;
    case "duplicate_approver":
      await answer(
        "You have already approved this version; a different teammate has to approve it too.",
      );
      return;
    case "already_decided":
      await answer(`Already decided — ${describeOutcome(result.state)}`);
      return;
  }
}
