import type { Redis } from "@deskgate/redis";
import { redisKeys } from "./redis-keys.ts";

const releaseIfHolder = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The screen is shared state: one run holds a desktop from its first step until it ends,
 * including while it waits for a decision. Runs that arrive meanwhile queue up here and
 * are woken, in order, when the lease is released.
 */
export class DesktopLease {
  constructor(
    private readonly redis: Redis,
    readonly desktop: string,
  ) {}

  /** True when `runId` holds the lease now (newly or already). */
  async acquire(runId: string): Promise<boolean> {
    const key = redisKeys.lease(this.desktop);
    if ((await this.redis.set(key, runId, "NX")) === "OK") return true;
    return (await this.redis.get(key)) === runId;
  }

  holder(): Promise<string | null> {
    return this.redis.get(redisKeys.lease(this.desktop));
  }

  async release(runId: string): Promise<boolean> {
    return (await this.redis.eval(releaseIfHolder, 1, redisKeys.lease(this.desktop), runId)) === 1;
  }

  async enqueueWaiter(runId: string): Promise<void> {
    const key = redisKeys.leaseWaiters(this.desktop);
    await this.redis.multi().lrem(key, 0, runId).rpush(key, runId).exec();
  }

  nextWaiter(): Promise<string | null> {
    return this.redis.lpop(redisKeys.leaseWaiters(this.desktop));
  }
}
