import { createHash } from "node:crypto";
import type { Logger } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import type { BudgetedSlack } from "./budgeted-slack.ts";
import { type PostingPriority, postingPriority } from "./posting-budget.ts";

/** A message to bring up to date: a card, a run's root message, a run's running line. */
export type PendingUpdate =
  | { kind: "card"; approvalId: string }
  | { kind: "root"; runId: string }
  | { kind: "segment"; runId: string; ts: string };

export interface RenderedUpdate {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

/** Card updates after a decision before root and running-line updates. */
const queues = {
  [postingPriority.thread]: "slack:updates:decisions",
  [postingPriority.update]: "slack:updates:background",
} as const;
type UpdatePriority = keyof typeof queues;

const memberOf = (update: PendingUpdate) => JSON.stringify(update);
const renderedKey = (member: string) => `slack:rendered:${member}`;
const editingKey = (member: string) => `slack:editing:${member}`;
/** A replica that dies mid-edit holds the message this long at most. */
const editLockMs = 15_000;

/**
 * chat.update is Tier 3 (about 50 a minute for the whole workspace,
 * https://docs.slack.dev/reference/methods/chat.update), so messages are not edited on
 * every change: a change marks the message, and one loop per bot replica edits marked
 * messages as the budget allows, rendering each from its state at that moment. However
 * many changes (clicks, votes, steps) came in between, that is one call; a message whose
 * rendering did not change since its last edit is not edited at all. The marks live in
 * Redis, so any replica may do the edit. A replica that dies between taking a mark and
 * editing loses that edit; the next change marks the message again.
 */
export class PendingUpdates {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly slack: BudgetedSlack,
    private readonly render: (update: PendingUpdate) => Promise<RenderedUpdate | undefined>,
    private readonly logger: Logger,
    private readonly idleMs = 100,
  ) {}

  /** Marks a message for an edit (at most one pending edit per message). */
  async mark(update: PendingUpdate, priority: UpdatePriority = postingPriority.update) {
    await this.redis.zadd(queues[priority], "NX", Date.now(), memberOf(update));
  }

  /** Starts the edit loop. */
  start(): { close(): Promise<void> } {
    this.running = true;
    this.loop = this.run();
    return {
      close: async () => {
        this.running = false;
        await this.loop;
      },
    };
  }

  /**
   * Makes one marked edit if there is one (for tests and the loop). True when it did. A
   * message whose rendering has not changed since its last edit costs no turn.
   */
  async flushOne(): Promise<boolean> {
    for (const priority of [postingPriority.thread, postingPriority.update] as const) {
      const popped = await this.redis.zpopmin(queues[priority]);
      const member = popped[0];
      if (!member) continue;
      await this.edit(member, priority);
      return true;
    }
    return false;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const did = await this.flushOne().catch((err: unknown) => {
        this.logger.warn({ err }, "editing a slack message failed");
        return false;
      });
      if (!did) await new Promise((resolve) => setTimeout(resolve, this.idleMs));
    }
  }

  private async edit(member: string, priority: PostingPriority): Promise<void> {
    const update = JSON.parse(member) as PendingUpdate;
    if (!(await this.changed(member, await this.render(update)))) return;
    // One replica at a time renders and edits a message: a rendering read before another
    // replica's newer edit must not land after it. The other tries again shortly.
    const editing = editingKey(member);
    if ((await this.redis.set(editing, "1", "PX", editLockMs, "NX")) !== "OK") {
      await this.redis.zadd(queues[priority as UpdatePriority], "NX", Date.now() + 250, member);
      return;
    }
    try {
      await this.slack.take(priority);
      // Rendered again after the wait: what changed meanwhile goes in the same edit.
      const rendered = await this.render(update);
      const hash = rendered ? hashOf(rendered) : undefined;
      if (!rendered || !hash) return;
      await this.redis.set(renderedKey(member), hash, "EX", 86_400);
      try {
        await this.slack.updateNow({
          channel: rendered.channel,
          ts: rendered.ts,
          text: rendered.text,
          blocks: rendered.blocks as never,
        });
      } catch (err) {
        await this.redis.del(renderedKey(member));
        await this.redis.zadd(queues[priority as UpdatePriority], "NX", Date.now() + 1_000, member);
        throw err;
      }
    } finally {
      await this.redis.del(editing);
    }
  }

  /** Whether `rendered` differs from the message's last edit. */
  private async changed(member: string, rendered: RenderedUpdate | undefined): Promise<boolean> {
    if (!rendered) return false;
    return (await this.redis.get(renderedKey(member))) !== hashOf(rendered);
  }
}

const hashOf = (rendered: RenderedUpdate) =>
  createHash("sha256")
    .update(JSON.stringify([rendered.channel, rendered.ts, rendered.text, rendered.blocks]))
    .digest("hex");
