import type { Redis } from "@deskgate/redis";
import { redisKeys } from "./redis-keys.ts";

/** A run's loop state between steps, as JSON; the loop validates what it loads. */
export interface CheckpointStore {
  load(runId: string): Promise<unknown | undefined>;
  save(runId: string, state: unknown): Promise<void>;
}

export class RedisCheckpointStore implements CheckpointStore {
  constructor(private readonly redis: Redis) {}

  async load(runId: string): Promise<unknown | undefined> {
    const raw = await this.redis.get(redisKeys.checkpoint(runId));
    return raw ? JSON.parse(raw) : undefined;
  }

  async save(runId: string, state: unknown): Promise<void> {
    await this.redis.set(redisKeys.checkpoint(runId), JSON.stringify(state));
  }
}
