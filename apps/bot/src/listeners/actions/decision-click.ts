import type { ApprovalState, Decision } from "@deskgate/contracts";
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import { describeOutcome } from "../../blocks/describe-outcome.ts";
import type { BotContext } from "../../bot-context.ts";
import { refreshCard } from "../../card-poster.ts";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function ephemeral(ctx: BotContext, body: BlockAction, text: string) {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) return Promise.resolve();
  return ctx.client.chat.postEphemeral({ channel, user: body.user.id, text });
}

/**
 * Checks a click before anything changes: the request exists, is still open, and the
 * clicker may approve this run. Returns the open request, or undefined after answering.
 */
export async function openRequestFor(
  ctx: BotContext,
  body: BlockAction,
  approvalId: string,
): Promise<ApprovalState | undefined> {
  const state = await ctx.runDesk.getApproval(approvalId);
  if (!state) {
    await ephemeral(ctx, body, "This request no longer exists (its run ended long ago).");
    return undefined;
  }
  if (state.status === "decided") {
    await ephemeral(ctx, body, `Already decided — ${describeOutcome(state)}`);
    await refreshCard(ctx, approvalId);
    return undefined;
  }
  const verdict = await ctx.approvers.mayApprove(
    body.user.id,
    await ctx.runDesk.getRun(state.request.runId),
  );
  if (!verdict.ok) {
    await ephemeral(ctx, body, verdict.reason);
    return undefined;
  }
  return state;
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

/** Records a decision and answers the decider; the card is updated for everyone. */
export async function applyDecision(
  ctx: BotContext,
  user: { id: string; name?: string | undefined },
  approvalId: string,
  decision: Omit<Decision, "by" | "at">,
): Promise<void> {
  const by = { userId: user.id, ...(user.name ? { name: user.name } : {}) };
  const result = await ctx.runDesk.decide(approvalId, {
    ...decision,
    by,
    at: new Date().toISOString(),
  });
  if (result.kind === "not_found") return;
  const answer = (text: string) => tellUser(ctx, result.state.request.runId, user.id, text);
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
    case "recorded": {
      const { request, approvals } = result.state;
      await refreshCard(ctx, approvalId);
      await answer(
        `Recorded. This step needs ${request.requiredApprovals} different approvers; ${approvals.length} so far.`,
      );
      return;
    }
    case "duplicate_approver":
      await answer(
        "You have already approved this step; a different teammate has to approve it too.",
      );
      return;
    case "already_decided":
      await answer(`Already decided — ${describeOutcome(result.state)}`);
      await refreshCard(ctx, approvalId);
      return;
  }
}
