import type { Logger } from "@deskgate/core";
import type { Redis } from "ioredis";

/**
 * Reports an outage once when it starts and once when the connection is back, instead of
 * ioredis's line per reconnect attempt (or its "Unhandled error event" with no listener).
 * Calls made meanwhile wait for the reconnect (`maxRetriesPerRequest: null`).
 */
export function watchRedisConnection(redis: Redis, logger: Logger): void {
  let downSince: number | undefined;
  redis.on("error", (err: Error) => {
    if (downSince !== undefined) return;
    downSince = Date.now();
    logger.error({ err }, "redis connection lost; reconnecting");
  });
  redis.on("ready", () => {
    if (downSince === undefined) return;
    logger.warn({ downMs: Date.now() - downSince }, "redis connection restored");
    downSince = undefined;
  });
}
