import { type Logger, settleWithin } from "@deskgate/core";
import type { Redis } from "ioredis";
import { checkEvictionPolicy } from "./eviction-policy.ts";
import { connectRedisTopology, waitForRedis } from "./redis-connection.ts";
import { describeRedisTopology, type RedisTopology } from "./redis-settings.ts";
import { resolveRedis } from "./resolve-redis.ts";
import { watchRedisConnection } from "./watch-connection.ts";

export interface OpenServiceRedisOptions {
  redis: RedisTopology;
  /** A single Redis without REDIS_URL: the local port to use, or to start a private server on (6379). */
  port?: number;
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
      ...(options.port === undefined ? {} : { port: options.port }),
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

/**
 * For /healthz: undefined when Redis answers PING within `timeoutMs`, else what is wrong.
 * Never waits for a reconnect: our connections queue commands while Redis is away
 * (`maxRetriesPerRequest: null`), so a plain PING would hang the probe for the outage.
 */
export function redisHealthCheck(
  connection: Redis,
  timeoutMs = 500,
): () => Promise<string | undefined> {
  return async () => {
    if (connection.status !== "ready") return `redis is not connected (${connection.status})`;
    const reply = await settleWithin(connection.ping(), timeoutMs);
    if (reply === undefined) return `redis did not answer PING within ${timeoutMs} ms`;
    return reply === "PONG" ? undefined : `redis answered PING with ${reply}`;
  };
}
