import type { Logger } from "@deskgate/core";
import type { Redis } from "ioredis";
import { checkEvictionPolicy } from "./eviction-policy.ts";
import { connectRedisTopology, waitForRedis } from "./redis-connection.ts";
import { describeRedisTopology, type RedisTopology } from "./redis-settings.ts";
import { resolveRedis } from "./resolve-redis.ts";
import { watchRedisConnection } from "./watch-connection.ts";

export interface OpenServiceRedisOptions {
  redis: RedisTopology;
  /** PATH, to find redis-server for a private one. */
  path: string | undefined;
  dataDir: string;
  connectionName: string;
  logger: Logger;
  /** Registers what must be closed at shutdown (in reverse order of registration). */
  onClose: (name: string, close: () => Promise<void>) => void;
}

/**
 * An app's Redis: Sentinel or Cluster as configured, else REDIS_URL, or the one on the
 * default port, or a private redis-server; connected, answering, and checked for an
 * eviction policy that would lose jobs.
 */
export async function openServiceRedis(options: OpenServiceRedisOptions): Promise<Redis> {
  const { logger } = options;
  let topology = options.redis;
  if (topology.kind === "single") {
    const resolved = await resolveRedis({
      redisUrl: topology.url,
      path: options.path,
      dataDir: options.dataDir,
      logger,
    });
    if (resolved.privateServer)
      options.onClose("private redis", () => resolved.privateServer!.stop());
    topology = { kind: "single", url: resolved.url };
  }
  const connection = connectRedisTopology(topology, { connectionName: options.connectionName });
  watchRedisConnection(connection, logger);
  options.onClose("redis", async () => void connection.disconnect());
  await waitForRedis(connection, 15_000);
  const warning = await checkEvictionPolicy(connection);
  if (warning) logger.warn({ redis: describeRedisTopology(topology) }, warning);
  return connection;
}

/** For /healthz: undefined when Redis answers. */
export function redisHealthCheck(connection: Redis): () => Promise<string | undefined> {
  return async () =>
    (await connection.ping()) === "PONG" ? undefined : "redis did not answer PING";
}
