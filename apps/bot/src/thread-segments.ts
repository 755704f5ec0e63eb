import { hashTag, type Redis } from "@deskgate/redis";
import type { Block } from "./blocks/block-kit.ts";
import { slackLimits } from "./blocks/fit-to-slack.ts";
import type { BudgetedSlack } from "./slack-budget/budgeted-slack.ts";
import type { PendingUpdates } from "./slack-budget/pending-updates.ts";
import { postingPriority } from "./slack-budget/posting-budget.ts";
import type { RunThread } from "./slack-message-refs.ts";

export interface ThreadLine {
  text: string;
  blocks: Block[];
}

/** Lines per running message: one context block each, well inside Slack's 50 blocks. */
export const maxLinesPerSegment = 40;

const segmentKey = (runId: string, ...parts: string[]) =>
  [`slack:run:${hashTag(runId)}:segment`, ...parts].join(":");

/**
 * A run's step lines (auto-approved steps, results, blocked steps) share one running
 * message in the thread, edited as lines come in, instead of one post each: a channel
 * takes about one post a second. The running message ends where anything else is posted
 * in the thread (a card, a grant, the summary), so the thread still reads in order: the
 * next line starts a new running message below it. Edits are marked, not made at once
 * (PendingUpdates), so a burst of lines costs one chat.update.
 */
export class ThreadSegments {
  constructor(
    private readonly redis: Redis,
    private readonly slack: BudgetedSlack,
    private readonly updates: PendingUpdates,
  ) {}

  /** Adds (or, for a retried event, replaces) the line under `key`. */
  async addLine(runId: string, thread: RunThread, key: string, line: ThreadLine): Promise<void> {
    const open = await this.redis.get(segmentKey(runId));
    if (open) {
      const lines = segmentKey(runId, open);
      const existing = await this.redis.hget(lines, key);
      const count = await this.redis.hlen(lines);
      if (existing || count < maxLinesPerSegment) {
        const order = existing ? (JSON.parse(existing) as { order: number }).order : count;
        await this.redis.hset(lines, key, JSON.stringify({ order, ...line }));
        await this.updates.mark({ kind: "segment", runId, ts: open });
        return;
      }
    }
    const posted = await this.slack.postMessage(
      {
        channel: thread.channel,
        thread_ts: thread.rootTs,
        text: line.text,
        blocks: line.blocks as never,
      },
      postingPriority.thread,
    );
    const lines = segmentKey(runId, posted.ts);
    await this.redis
      .multi()
      .hset(lines, key, JSON.stringify({ order: 0, ...line }))
      .expire(lines, 7 * 86_400)
      .set(segmentKey(runId), posted.ts, "EX", 7 * 86_400)
      .exec();
  }

  /** Something else was posted in the thread: the next line starts a new running message. */
  async close(runId: string): Promise<void> {
    await this.redis.del(segmentKey(runId));
  }

  /** The running message `ts` as it should read now. */
  async render(runId: string, ts: string): Promise<ThreadLine | undefined> {
    const raw = await this.redis.hgetall(segmentKey(runId, ts));
    const lines = Object.values(raw)
      .map((json) => JSON.parse(json) as ThreadLine & { order: number })
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
