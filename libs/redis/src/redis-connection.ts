import { Redis } from "ioredis";

export type { Redis } from "ioredis";

/**
 * BullMQ workers refuse a connection without `maxRetriesPerRequest: null` (blocking
 * commands must wait out a reconnect), so every connection is made that way.
 * https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest
 */
export interface ConnectRedisOptions {
  /** Shows in CLIENT LIST, so an operator can tell the bot's connections from a worker's. */
  connectionName?: string;
  lazyConnect?: boolean;
}

export function connectRedis(url: string, options: ConnectRedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.lazyConnect === undefined ? {} : { lazyConnect: options.lazyConnect }),
  });
}

/**
 * Whether a Redis answers at `url`: one connection attempt, no retries, no queueing. A
 * server that demands a password (NOAUTH) still counts: it is a Redis, and it is taken.
 */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch (err) {
    return err instanceof Error && err.message.startsWith("NOAUTH");
  } finally {
    probe.disconnect();
  }
}

/** Waits for `ready`, failing after `timeoutMs` with the URL (password stripped) named. */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}

/** `redis://:secret@host:6379/0` → `redis://host:6379/0`, for log lines. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparseable redis url)";
  }
}
