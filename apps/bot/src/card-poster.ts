import type { ApprovalState } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import { approvalCard, fullTextFile } from "./blocks/approval-card.ts";
import type { BotContext } from "./bot-context.ts";
import type { RenderedUpdate } from "./slack-budget/pending-updates.ts";
import { type PriorityOf, postingPriority } from "./slack-budget/posting-budget.ts";
import type { RunThread } from "./slack-message-refs.ts";
import { withEarlierLines } from "./thread-segments.ts";

const cardKey = (approvalId: string) => `card:${approvalId}`;
/**
 * How long a card's claim outlives a bot that died posting it: short, and renewed while a
 * live bot posts (its turn in the budget may take longer), so a killed bot holds up the
 * run's thread for seconds, not for the queue's growing retry delays.
 */
const cardClaimMs = 10_000;

/**
 * Posts an approval card once: the annotated screenshot is uploaded into the thread
 * first, then the card (broadcast to the channel so phones buzz). The card never names
 * the file in an image block — Slack processes uploads asynchronously and such a block
 * can fail with invalid_blocks — so it renders on the first try. The card goes first in
 * the channel's posting budget: it never waits behind thread lines or edits.
 */
export async function postApprovalCard(
  ctx: BotContext,
  thread: RunThread,
  state: ApprovalState,
): Promise<void> {
  const { request } = state;
  if (await ctx.refs.messageTs(request.runId, cardKey(request.approvalId)))
    return refreshCard(ctx, request.approvalId);
  const claim = `upload:${request.approvalId}`;
  if (!(await ctx.refs.claim(request.runId, claim, cardClaimMs))) {
    // Being posted by someone else, or by a bot that died: try again later (the queue retries).
    throw new AppError("card_in_progress", `card for ${request.approvalId} is being posted`, {
      retryable: true,
    });
  }
  const renewal = setInterval(
    () => void ctx.refs.renew(request.runId, claim, cardClaimMs).catch(() => undefined),
    cardClaimMs / 3,
  );
  try {
    const image = request.screenshotKey
      ? await ctx.runDesk.readScreenshot(request.screenshotKey)
      : undefined;
    if (image) {
      await ctx.slack.uploadFile(
        {
          channel_id: thread.channel,
          thread_ts: thread.rootTs,
          file: image,
          filename: `step-${request.step}.${isJpeg(image) ? "jpg" : "png"}`,
          title: `Step ${request.step}: the target is marked`,
        },
        postingPriority.card,
      );
    }
    await postFullText(ctx, thread, state);
    const key = cardKey(request.approvalId);
    const card = await withHeldLines(
      ctx,
      request.runId,
      thread,
      key,
      approvalCard(state, { desktopViewUrl: ctx.desktopViewUrl }),
      postingPriority.card,
    );
    const posted = await ctx.slack.postMessage(
      {
        channel: thread.channel,
        thread_ts: thread.rootTs,
        reply_broadcast: true,
        text: card.text,
        blocks: card.blocks as never,
      },
      postingPriority.card,
    );
    await ctx.refs.saveMessageTs(request.runId, key, posted.ts);
    await ctx.segments.shown(request.runId);
    await ctx.refs.release(request.runId, claim);
  } catch (err) {
    // Let the event be retried from the start; the claim must not block the retry.
    await ctx.refs.release(request.runId, claim);
    throw err;
  } finally {
    clearInterval(renewal);
  }
}

const isJpeg = (bytes: Buffer) => bytes[0] === 0xff && bytes[1] === 0xd8;

/**
 * A typed text longer than the card can show goes into the thread whole, as a file, before
 * the card says where it is: nobody is asked to approve text they cannot read. Once per
 * version.
 */
async function postFullText(
  ctx: BotContext,
  thread: RunThread,
  state: ApprovalState,
): Promise<void> {
  const file = fullTextFile(state);
  if (!file) return;
  const key = `text:${state.request.approvalId}:${file.filename}`;
  if (await ctx.refs.messageTs(state.request.runId, key)) return;
  await ctx.slack.uploadFile(
    {
      channel_id: thread.channel,
      thread_ts: thread.rootTs,
      content: file.content,
      filename: file.filename,
      title: file.title,
    },
    postingPriority.card,
  );
  await ctx.refs.saveMessageTs(state.request.runId, key, "uploaded");
  await ctx.segments.close(state.request.runId);
}

/**
 * Brings a card up to date (decided, partial approvals, parked, a new version): a new
 * version's full text is posted now, the card is marked for one edit (PendingUpdates)
 * however many times this is called before the edit is made.
 */
export async function refreshCard(ctx: BotContext, approvalId: string): Promise<void> {
  const state = await ctx.runDesk.getApproval(approvalId);
  if (!state) return;
  const thread = await ctx.refs.thread(state.request.runId);
  const ts = await ctx.refs.messageTs(state.request.runId, cardKey(approvalId));
  if (!thread || !ts) return;
  await postFullText(ctx, thread, state);
  await ctx.updates.mark({ kind: "card", approvalId }, postingPriority.thread);
}

/** The card as it should read now, for its edit. */
export async function renderCard(
  ctx: BotContext,
  approvalId: string,
): Promise<RenderedUpdate | undefined> {
  const state = await ctx.runDesk.getApproval(approvalId);
  if (!state) return undefined;
  const thread = await ctx.refs.thread(state.request.runId);
  const ts = await ctx.refs.messageTs(state.request.runId, cardKey(approvalId));
  if (!thread || !ts) return undefined;
  const card = approvalCard(state, { desktopViewUrl: ctx.desktopViewUrl });
  const earlier = await ctx.refs.earlierLines(state.request.runId, cardKey(approvalId));
  const shown = withEarlierLines(card, earlier) ?? card;
  return { channel: thread.channel, ts, text: shown.text, blocks: shown.blocks };
}

/**
 * `message` with the run's held step lines above it (remembered for its later edits), or
 * as it is after posting the lines on their own when both would pass 50 blocks.
 */
async function withHeldLines<M extends { text: string; blocks: unknown[] }>(
  ctx: BotContext,
  runId: string,
  thread: RunThread,
  key: string,
  message: M,
  priority: PriorityOf,
): Promise<M> {
  const held = await ctx.segments.held(runId);
  if (!held) return message;
  const folded = withEarlierLines(message, held.blocks);
  if (folded) {
    await ctx.refs.saveEarlierLines(runId, key, held.blocks);
    return folded;
  }
  await ctx.slack.postMessage(
    {
      channel: thread.channel,
      thread_ts: thread.rootTs,
      text: held.text,
      blocks: held.blocks as never,
    },
    priority,
  );
  await ctx.segments.shown(runId);
  return message;
}

export async function cardTs(
  ctx: BotContext,
  runId: string,
  approvalId: string,
): Promise<string | undefined> {
  return ctx.refs.messageTs(runId, cardKey(approvalId));
}

/**
 * Posts a thread message once per key; a retried event updates it instead. The run's
 * running line of steps ends here (the next line starts below this message).
 */
export async function postOnce(
  ctx: BotContext,
  runId: string,
  key: string,
  message: { text: string; blocks: unknown[] },
  options: { broadcast?: boolean; inChannel?: boolean; priority?: PriorityOf } = {},
): Promise<void> {
  const thread = await ctx.refs.thread(runId);
  if (!thread) return;
  const existing = await ctx.refs.messageTs(runId, key);
  if (existing) {
    const shown = withEarlierLines(message, await ctx.refs.earlierLines(runId, key)) ?? message;
    await ctx.slack.update({
      channel: thread.channel,
      ts: existing,
      text: shown.text,
      blocks: shown.blocks as never,
    });
    return;
  }
  const priority = options.priority ?? postingPriority.thread;
  const shown = options.inChannel
    ? message
    : await withHeldLines(ctx, runId, thread, key, message, priority);
  const args = {
    channel: thread.channel,
    ...(options.inChannel ? {} : { thread_ts: thread.rootTs }),
    ...(options.broadcast ? { reply_broadcast: true } : {}),
    text: shown.text,
    blocks: shown.blocks,
  };
  const posted = await ctx.slack.postMessage(args as never, priority);
  await ctx.refs.saveMessageTs(runId, key, posted.ts);
  if (!options.inChannel) await ctx.segments.shown(runId);
}
