import type { RunEventHandler } from "@deskgate/approvals";
import { isApprovalCardEvent, type Review, type RunEvent } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import type { Piece } from "../blocks/block-kit.ts";
import { activeGrantMessage, endedGrantMessage } from "../blocks/grant-message.ts";
import {
  runRootMessage,
  runSummaryMessage,
  stepPieces,
  threadLine,
} from "../blocks/run-messages.ts";
import type { BotContext } from "../bot-context.ts";
import { cardTs, postApprovalCard, postOnce, refreshCard } from "../card-poster.ts";
import type { RenderedUpdate } from "../slack-budget/pending-updates.ts";
import { type PriorityOf, postingPriority } from "../slack-budget/posting-budget.ts";
import { classifySlackFailure } from "../slack-errors.ts";
import type { RunThread } from "../slack-message-refs.ts";
import type { ThreadLine } from "../thread-segments.ts";
import { postEscalation } from "./escalation-notices.ts";

/**
 * Turns run events into Slack: cards, thread lines, reminders, the summary, and the root
 * message's status. Safe to call twice with the same event (a retry): messages are keyed.
 * Step lines share a running message (ThreadSegments); edits are marked and made as the
 * budget allows (PendingUpdates).
 * A Slack error that no retry can fix (not_in_channel, missing_scope…) is thrown as an
 * AppError that is not retryable, naming what to fix.
 */
export function createRunEventHandler(ctx: BotContext): RunEventHandler {
  const post = postRunEvent(ctx);
  return async (event, context) => {
    // A card waiting behind this event in the run's order lends it the card's turn.
    const priority: PriorityOf = context
      ? async () => ((await context.cardWaiting()) ? postingPriority.card : postingPriority.thread)
      : postingPriority.thread;
    try {
      await post(event, priority);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const failure = classifySlackFailure(err);
      if (!failure.permanent) throw err;
      throw new AppError("slack_refused", failure.description, { cause: err });
    }
  };
}

/**
 * For an event the queue gave up on. A card that never reached Slack fails its run (it
 * would otherwise wait for a decision nobody can make); anything else is logged.
 */
export function createGaveUpHandler(
  ctx: BotContext,
): (event: RunEvent, err: unknown) => Promise<void> {
  return async (event, err) => {
    const description =
      err instanceof AppError ? err.message : classifySlackFailure(err).description;
    ctx.logger.error(
      { err, runId: event.runId, type: event.type },
      "gave up posting a run event to slack",
    );
    if (!isApprovalCardEvent(event)) return;
    const result = await ctx.runDesk.failRun(
      event.runId,
      `the approval card for step ${event.step} could not be posted to Slack (${description})`,
    );
    ctx.logger.warn({ runId: event.runId, result: result.kind }, "run failed: card undeliverable");
  };
}

function postRunEvent(ctx: BotContext): (event: RunEvent, priority: PriorityOf) => Promise<void> {
  return async (event, priority) => {
    const thread = await ctx.refs.thread(event.runId);
    if (!thread) {
      ctx.logger.warn(
        { runId: event.runId, type: event.type },
        "event for a run this bot has no thread for; skipped",
      );
      return;
    }
    const addLine = (runId: string, at: RunThread, key: string, line: ThreadLine) =>
      ctx.segments.addLine(runId, at, key, line, priority);
    switch (event.type) {
      case "run.started":
        return updateRoot(ctx, event.runId);
      case "step.proposed":
        switch (event.review.kind) {
          case "asked": {
            const state = await ctx.runDesk.getApproval(event.review.approval.approvalId);
            if (state) await postApprovalCard(ctx, thread, state);
            return updateRoot(ctx, event.runId);
          }
          case "auto_approved": {
            const why = autoApprovedWhy(event.review);
            return addLine(
              event.runId,
              thread,
              `step:${event.step}:proposed`,
              threadLine([...stepPieces(event.step, event.action), { ours: `· ${why}` }]),
            );
          }
          case "denied_by_policy":
            return addLine(
              event.runId,
              thread,
              `step:${event.step}:proposed`,
              threadLine([
                { ours: ":no_entry:" },
                ...stepPieces(event.step, event.action),
                { ours: `· blocked by rule \`${event.review.ruleId ?? "policy"}\`:` },
                { outside: event.review.reason },
              ]),
            );
        }
        return;
      case "step.decided":
        await refreshCard(ctx, event.approvalId);
        return updateRoot(ctx, event.runId);
      case "step.executed": {
        const pieces: Piece[] = event.ok
          ? [{ ours: ":heavy_check_mark:" }, ...stepPieces(event.step, event.action, "done")]
          : [
              { ours: ":warning:" },
              ...stepPieces(event.step, event.action, "failed"),
              { outside: event.error ?? "unknown error" },
            ];
        return addLine(event.runId, thread, `step:${event.step}:executed`, threadLine(pieces));
      }
      case "step.interrupted":
        return addLine(
          event.runId,
          thread,
          `step:${event.step}:executed`,
          threadLine([
            { ours: ":warning:" },
            ...stepPieces(event.step, event.action, "interrupted"),
            {
              ours: "· the worker stopped while it ran, so it may or may not have happened; the model was told to check the screen. Held keys and buttons were released.",
            },
          ]),
        );
      case "approval.parked": {
        await refreshCard(ctx, event.approvalId);
        const ts = await cardTs(ctx, event.runId, event.approvalId);
        const link = ts
          ? (await ctx.client.chat.getPermalink({ channel: thread.channel, message_ts: ts }))
              .permalink
          : undefined;
        const text = `:hourglass: Step ${event.step} of run \`${event.runId}\` is past its deadline and still waiting for a decision${link ? ` — <${link}|open the card>` : ""}`;
        return postOnce(
          ctx,
          event.runId,
          `reminder:${event.approvalId}:${event.reminder}`,
          threadLine([{ ours: text }]),
          { inChannel: true },
        );
      }
      case "grant.created":
        return postOnce(
          ctx,
          event.runId,
          `grant:${event.grant.grantId}`,
          activeGrantMessage(event.grant),
          { priority },
        );
      case "grant.ended":
        return postOnce(
          ctx,
          event.runId,
          `grant:${event.grantId}`,
          endedGrantMessage(event.grant, event.revokedBy),
          { priority },
        );
      case "approval.escalated":
        return postEscalation(ctx, thread, event);
      case "run.finished":
      case "run.failed":
      case "run.cancelled": {
        const status =
          event.type === "run.finished"
            ? "finished"
            : event.type === "run.failed"
              ? "failed"
              : "cancelled";
        const reason: Piece | undefined =
          event.type === "run.failed"
            ? { outside: event.reason }
            : event.type === "run.cancelled" && event.by
              ? { ours: `— stopped by <@${event.by.userId}>` }
              : undefined;
        await postOnce(
          ctx,
          event.runId,
          "summary",
          runSummaryMessage(status, event.summary, reason),
          { priority },
        );
        return updateRoot(ctx, event.runId);
      }
    }
  };
}

/** Why a step ran without a card of its own, for its thread line. */
function autoApprovedWhy(review: Extract<Review, { kind: "auto_approved" }>): string {
  switch (review.basis) {
    case "trust_window":
      return "auto-approved (trust window)";
    case "grant":
      return "covered by a grant (see the grant in this thread)";
    case "plan":
      return "part of the approved plan; checked again before it ran";
    case "policy":
      return `auto-approved by rule \`${review.ruleId ?? "policy"}\``;
  }
}

/** The root message's status is edited when the budget allows (chat.update is Tier 3). */
async function updateRoot(ctx: BotContext, runId: string): Promise<void> {
  await ctx.updates.mark({ kind: "root", runId });
}

/** The root message as it should read now, for its edit. */
export async function renderRoot(
  ctx: BotContext,
  runId: string,
): Promise<RenderedUpdate | undefined> {
  const [run, thread] = await Promise.all([ctx.runDesk.getRun(runId), ctx.refs.thread(runId)]);
  if (!run || !thread) return undefined;
  const message = runRootMessage(run);
  return { channel: thread.channel, ts: thread.rootTs, text: message.text, blocks: message.blocks };
}
