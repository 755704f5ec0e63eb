import type { Redis } from "@deskgate/redis";

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
    await this.redis.set(`slack:run:${runId}`, JSON.stringify(thread));
  }

  async thread(runId: string): Promise<RunThread | undefined> {
    const raw = await this.redis.get(`slack:run:${runId}`);
    return raw ? (JSON.parse(raw) as RunThread) : undefined;
  }

  /** The ts of a message posted under `key` (e.g. "card:apr_…", "step:3:executed"). */
  async messageTs(runId: string, key: string): Promise<string | undefined> {
    return (await this.redis.hget(`slack:run:${runId}:messages`, key)) ?? undefined;
  }

  async saveMessageTs(runId: string, key: string, ts: string): Promise<void> {
    await this.redis.hset(`slack:run:${runId}:messages`, key, ts);
  }

  /**
   * Claims `key` for a while (another bot replica may be posting it); false when claimed.
   * The claim expires, so a bot that died holding it does not block the message forever.
   */
  async claim(runId: string, key: string, ttlMs = 30_000): Promise<boolean> {
    return (
      (await this.redis.set(`slack:run:${runId}:claim:${key}`, "1", "PX", ttlMs, "NX")) === "OK"
    );
  }

  async release(runId: string, key: string): Promise<void> {
    await this.redis.del(`slack:run:${runId}:claim:${key}`);
  }
}
