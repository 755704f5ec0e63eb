import type { Redis } from "@deskgate/redis";
import { redisKeys, screenshotKeyPrefix } from "./redis-keys.ts";

/** PNGs handed from the worker to the bot (the card's image), with a time to live. */
export class ScreenshotStore {
  constructor(private readonly redis: Redis) {}

  async put(id: string, png: Buffer, ttlMs: number): Promise<string> {
    const key = redisKeys.screenshot(id);
    await this.redis.set(key, png, "PX", Math.max(60_000, Math.round(ttlMs)));
    return key;
  }

  async read(key: string): Promise<Buffer | undefined> {
    if (!key.startsWith(screenshotKeyPrefix)) return undefined;
    return (await this.redis.getBuffer(key)) ?? undefined;
  }
}
