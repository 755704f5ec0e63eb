import { hashTag, type Redis } from "@deskgate/redis";

/** A run's Slack keys, under the run's hash tag like the rest of the run. */
const runKey = (runId: string, ...parts: string[]) =>
  [`slack:run:${hashTag(runId)}`, ...parts].join(":");

export interface RunThread {
  channel: string;
  rootTs: string;
}

/**
 * Where each run's messages live in Slack. chat.postMessage has no idempotency key, so
 * every message's ts is kept here and a retried event updates instead of posting twice.
 */
export class SlackMessageRefs {
  constructor(private readonly redis: Redis) {}

  async saveThread(runId: string, thread: RunThread): Promise<void> {
    await this.redis.set(runKey(runId), JSON.stringify(thread));
  }

  async thread(runId: string): Promise<RunThread | undefined> {
    const raw = await this.redis.get(runKey(runId));
    return raw ? (JSON.parse(raw) as RunThread) : undefined;
  }

  /** The ts of a message posted under `key` (e.g. "card:apr_…", "step:3:executed"). */
  async messageTs(runId: string, key: string): Promise<string | undefined> {
    return (await this.redis.hget(runKey(runId, "messages"), key)) ?? undefined;
  }

  async saveMessageTs(runId: string, key: string, ts: string): Promise<void> {
    await this.redis.hset(runKey(runId, "messages"), key, ts);
  }

  /** Step lines shown above the message under `key` (kept for its later edits). */
  async saveEarlierLines(runId: string, key: string, blocks: readonly unknown[]): Promise<void> {
    await this.redis.hset(runKey(runId, "earlier"), key, JSON.stringify(blocks));
  }

  async earlierLines(runId: string, key: string): Promise<unknown[] | undefined> {
    const raw = await this.redis.hget(runKey(runId, "earlier"), key);
    return raw ? (JSON.parse(raw) as unknown[]) : undefined;
  }

  /**
   * Claims `key` for a while (another bot replica may be posting it); false when claimed.
   * The claim expires, so a bot that died holding it does not block the message forever.
   */
  async claim(runId: string, key: string, ttlMs = 30_000): Promise<boolean> {
    return (await this.redis.set(runKey(runId, "claim", key), "1", "PX", ttlMs, "NX")) === "OK";
  }

  /** Extends a claim this bot holds while it is still posting. */
  async renew(runId: string, key: string, ttlMs: number): Promise<void> {
    await this.redis.pexpire(runKey(runId, "claim", key), ttlMs);
  }

  async release(runId: string, key: string): Promise<void> {
    await this.redis.del(runKey(runId, "claim", key));
  }
}
