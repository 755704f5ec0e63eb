import { Cluster, Redis } from "ioredis";
import type { RedisTopology } from "./redis-settings.ts";

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

/**
 * A connection to any topology. Sentinel: ioredis asks the sentinels for the master and
 * follows a failover (`failoverDetector` reacts to the sentinels' +switch-master at once).
 * Cluster: ioredis routes each command to the node owning its key's slot and follows
 * MOVED/ASK redirections and failovers. Commands wait out a failover instead of failing
 * (`maxRetriesPerRequest: null`, as BullMQ needs).
 */
export function connectRedisTopology(
  topology: RedisTopology,
  options: ConnectRedisOptions = {},
): Redis {
  const common = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(topology.kind !== "single" && topology.password ? { password: topology.password } : {}),
    ...(topology.kind !== "single" && topology.tls ? { tls: {} } : {}),
  };
  const lazy = options.lazyConnect === undefined ? {} : { lazyConnect: options.lazyConnect };
  switch (topology.kind) {
    case "single":
      return connectRedis(topology.url ?? "redis://127.0.0.1:6379", options);
    case "sentinel":
      return new Redis({
        ...common,
        ...lazy,
        sentinels: topology.sentinels,
        name: topology.masterName,
        failoverDetector: true,
        ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
        ...(topology.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      });
    case "cluster": {
      const cluster = new Cluster(topology.nodes, {
        ...lazy,
        redisOptions: common,
        // While a primary fails over, its slots answer CLUSTERDOWN or nothing. Each retry
        // counts as a redirection, so 300 of them 100 ms apart let a command wait out about
        // 30 s (a failover takes cluster-node-timeout, 15 s by default, and a little more)
        // instead of failing the run that sent it, as maxRetriesPerRequest: null does for
        // one Redis. https://github.com/redis/ioredis#redis-cluster
        maxRedirections: 300,
        retryDelayOnClusterDown: 100,
        retryDelayOnFailover: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: 2_000,
      });
      // The gap: ioredis types Cluster apart from Redis, but it speaks the same commands
      // (each routed to its key's slot), and BullMQ takes either. Cast here, once.
      return cluster as unknown as Redis;
    }
  }
}

/** Whether a connection made by connectRedisTopology is a Redis Cluster client. */
export function isClusterConnection(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
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
