import { hashTag, type Redis } from "@deskgate/redis";
import type { Block } from "./blocks/block-kit.ts";
import { slackLimits } from "./blocks/fit-to-slack.ts";
import type { BudgetedSlack } from "./slack-budget/budgeted-slack.ts";
import type { PendingUpdates } from "./slack-budget/pending-updates.ts";
import { type PriorityOf, postingPriority } from "./slack-budget/posting-budget.ts";
import type { RunThread } from "./slack-message-refs.ts";

export interface ThreadLine {
  text: string;
  blocks: Block[];
}

/** Lines held back before they get a message of their own (then at most 0.2 posts a line). */
export const heldLinesLimit = 5;
/** Lines per running message: one context block each, well inside Slack's 50 blocks. */
export const maxLinesPerSegment = 40;

const key = (runId: string, ...parts: string[]) =>
  [`slack:run:${hashTag(runId)}:lines`, ...parts].join(":");
const heldKey = (runId: string) => key(runId, "held");
const openKey = (runId: string) => key(runId, "open");
const segmentKey = (runId: string, ts: string) => key(runId, "segment", ts);
const ttlSeconds = 7 * 86_400;

type StoredLine = ThreadLine & { order: number };

/**
 * A run's step lines (auto-approved steps, results, blocked steps) without a post each: a
 * channel takes about one post a second
 * (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting). Lines are
 * held until the run's next thread message (a card, a grant, the summary), which shows
 * them above its own content; once five are held they get a running message of their own,
 * which takes the next lines by edits (marked in PendingUpdates, so a burst costs one
 * chat.update). The running message ends where anything else is posted, so the thread
 * still reads in order.
 */
export class ThreadSegments {
  constructor(
    private readonly redis: Redis,
    private readonly slack: BudgetedSlack,
    private readonly updates: PendingUpdates,
  ) {}

  /** Adds (or, for a retried event, replaces) the line under `lineKey`. */
  async addLine(
    runId: string,
    thread: RunThread,
    lineKey: string,
    line: ThreadLine,
    priority: PriorityOf = postingPriority.thread,
  ): Promise<void> {
    const open = await this.redis.get(openKey(runId));
    if (open && (await this.store(segmentKey(runId, open), lineKey, line, maxLinesPerSegment))) {
      await this.updates.mark({ kind: "segment", runId, ts: open });
      return;
    }
    if (open) await this.close(runId);
    await this.store(heldKey(runId), lineKey, line, Number.POSITIVE_INFINITY);
    if ((await this.redis.hlen(heldKey(runId))) < heldLinesLimit) return;
    const held = await this.render(heldKey(runId));
    if (!held) return;
    const posted = await this.slack.postMessage(
      {
        channel: thread.channel,
        thread_ts: thread.rootTs,
        text: held.text,
        blocks: held.blocks as never,
      },
      priority,
    );
    await this.redis
      .multi()
      .rename(heldKey(runId), segmentKey(runId, posted.ts))
      .expire(segmentKey(runId, posted.ts), ttlSeconds)
      .set(openKey(runId), posted.ts, "EX", ttlSeconds)
      .exec();
  }

  /**
   * The lines held for the run's next thread message, to show above it. Call `shown`
   * once that message is posted.
   */
  async held(runId: string): Promise<ThreadLine | undefined> {
    return this.render(heldKey(runId));
  }

  /** The held lines are in a posted message; the running message (if any) is over. */
  async shown(runId: string): Promise<void> {
    await this.redis.del(heldKey(runId), openKey(runId));
  }

  /** Something else was posted in the thread: the next line starts a new running message. */
  async close(runId: string): Promise<void> {
    await this.redis.del(openKey(runId));
  }

  /** The running message `ts` as it should read now. */
  async renderSegment(runId: string, ts: string): Promise<ThreadLine | undefined> {
    return this.render(segmentKey(runId, ts));
  }

  /** Stores a line unless the hash is full; false when full. */
  private async store(hash: string, lineKey: string, line: ThreadLine, limit: number) {
    const existing = await this.redis.hget(hash, lineKey);
    const count = await this.redis.hlen(hash);
    if (!existing && count >= limit) return false;
    const order = existing ? (JSON.parse(existing) as StoredLine).order : count;
    await this.redis
      .multi()
      .hset(hash, lineKey, JSON.stringify({ order, ...line }))
      .expire(hash, ttlSeconds)
      .exec();
    return true;
  }

  private async render(hash: string): Promise<ThreadLine | undefined> {
    const raw = await this.redis.hgetall(hash);
    const lines = Object.values(raw)
      .map((json) => JSON.parse(json) as StoredLine)
      .sort((a, b) => a.order - b.order);
    if (lines.length === 0) return undefined;
    return {
      text: lines
        .map((line) => line.text)
        .join("\n")
        .slice(0, slackLimits.messageText),
      blocks: lines.flatMap((line) => line.blocks),
    };
  }
}

/**
 * A thread message with earlier lines above its blocks, when they fit in Slack's 50
 * blocks; otherwise undefined (post the lines first). The text (the notification) stays
 * the message's own.
 */
export function withEarlierLines<M extends { text: string; blocks: unknown[] }>(
  message: M,
  earlier: readonly unknown[] | undefined,
): M | undefined {
  if (!earlier || earlier.length === 0) return message;
  if (earlier.length + message.blocks.length > slackLimits.blocksPerMessage) return undefined;
  return { ...message, blocks: [...earlier, ...message.blocks] };
}
