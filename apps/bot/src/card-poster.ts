import type { ApprovalState } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import { approvalCard, fullTextFile } from "./blocks/approval-card.ts";
import type { BotContext } from "./bot-context.ts";
import type { RunThread } from "./slack-message-refs.ts";

const cardKey = (approvalId: string) => `card:${approvalId}`;

/**
 * Posts an approval card once: the annotated screenshot is uploaded into the thread
 * first, then the card (broadcast to the channel so phones buzz). The card never names
 * the file in an image block — Slack processes uploads asynchronously and such a block
 * can fail with invalid_blocks — so it renders on the first try.
 */
export async function postApprovalCard(
  ctx: BotContext,
  thread: RunThread,
  state: ApprovalState,
): Promise<void> {
  const { request } = state;
  if (await ctx.refs.messageTs(request.runId, cardKey(request.approvalId)))
    return refreshCard(ctx, request.approvalId);
  if (!(await ctx.refs.claim(request.runId, `upload:${request.approvalId}`))) {
    // Being posted by someone else, or by a bot that died: try again later (the queue retries).
    throw new AppError("card_in_progress", `card for ${request.approvalId} is being posted`, {
      retryable: true,
    });
  }
  try {
    const image = request.screenshotKey
      ? await ctx.runDesk.readScreenshot(request.screenshotKey)
      : undefined;
    if (image) {
      await ctx.client.files.uploadV2({
        channel_id: thread.channel,
        thread_ts: thread.rootTs,
        file: image,
        filename: `step-${request.step}.${isJpeg(image) ? "jpg" : "png"}`,
        title: `Step ${request.step}: the target is marked`,
      });
    }
    await postFullText(ctx, thread, state);
    const card = approvalCard(state, { desktopViewUrl: ctx.desktopViewUrl });
    const posted = await ctx.client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.rootTs,
      reply_broadcast: true,
      text: card.text,
      blocks: card.blocks as never,
    });
    await ctx.refs.saveMessageTs(request.runId, cardKey(request.approvalId), String(posted.ts));
    await ctx.refs.release(request.runId, `upload:${request.approvalId}`);
  } catch (err) {
    // Let the event be retried from the start; the claim must not block the retry.
    await ctx.refs.release(request.runId, `upload:${request.approvalId}`);
    throw err;
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
  await ctx.client.files.uploadV2({
    channel_id: thread.channel,
    thread_ts: thread.rootTs,
    content: file.content,
    filename: file.filename,
    title: file.title,
  });
  await ctx.refs.saveMessageTs(state.request.runId, key, "uploaded");
}

/** Brings a card up to date (decided, partial approvals, parked, a new version). */
export async function refreshCard(ctx: BotContext, approvalId: string): Promise<void> {
  const state = await ctx.runDesk.getApproval(approvalId);
  if (!state) return;
  const thread = await ctx.refs.thread(state.request.runId);
  const ts = await ctx.refs.messageTs(state.request.runId, cardKey(approvalId));
  if (!thread || !ts) return;
  await postFullText(ctx, thread, state);
  const card = approvalCard(state, { desktopViewUrl: ctx.desktopViewUrl });
  await ctx.client.chat.update({
    channel: thread.channel,
    ts,
    text: card.text,
    blocks: card.blocks as never,
  });
}

export async function cardTs(
  ctx: BotContext,
  runId: string,
  approvalId: string,
): Promise<string | undefined> {
  return ctx.refs.messageTs(runId, cardKey(approvalId));
}

/** Posts a thread message once per key; a retried event updates it instead. */
export async function postOnce(
  ctx: BotContext,
  runId: string,
  key: string,
  message: { text: string; blocks: unknown[] },
  options: { broadcast?: boolean; inChannel?: boolean } = {},
): Promise<void> {
  const thread = await ctx.refs.thread(runId);
  if (!thread) return;
  const existing = await ctx.refs.messageTs(runId, key);
  if (existing) {
    await ctx.client.chat.update({
      channel: thread.channel,
      ts: existing,
      text: message.text,
      blocks: message.blocks as never,
    });
    return;
  }
  const args = {
    channel: thread.channel,
    ...(options.inChannel ? {} : { thread_ts: thread.rootTs }),
    ...(options.broadcast ? { reply_broadcast: true } : {}),
    text: message.text,
    blocks: message.blocks,
  };
  const posted = await ctx.client.chat.postMessage(args as never);
  await ctx.refs.saveMessageTs(runId, key, String(posted.ts));
}
