import { type Logger, settleWithin } from "@deskgate/core";
import type { Redis } from "ioredis";
import { checkEvictionPolicy } from "./eviction-policy.ts";
import { connectRedis, describeRedisUrl, waitForRedis } from "./redis-connection.ts";
import { resolveRedis } from "./resolve-redis.ts";
import { watchRedisConnection } from "./watch-connection.ts";

export interface OpenServiceRedisOptions {
  redisUrl: string | undefined;
  /** Without REDIS_URL: the local port to use, or to start a private server on (6379). */
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
 * An app's Redis: REDIS_URL, or the one on the default port, or a private redis-server;
 * connected, answering, and checked for an eviction policy that would lose jobs.
 */
export async function openServiceRedis(options: OpenServiceRedisOptions): Promise<Redis> {
  const { logger } = options;
  const resolved = await resolveRedis({
    redisUrl: options.redisUrl,
    path: options.path,
    dataDir: options.dataDir,
    logger,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  if (resolved.privateServer)
    options.onClose("private redis", () => resolved.privateServer!.stop());
  const connection = connectRedis(resolved.url, { connectionName: options.connectionName });
  watchRedisConnection(connection, logger);
  options.onClose("redis", async () => void connection.disconnect());
  await waitForRedis(connection);
  const warning = await checkEvictionPolicy(connection);
  if (warning) logger.warn({ redis: describeRedisUrl(resolved.url) }, warning);
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
