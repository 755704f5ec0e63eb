import { readEnvironment } from "@deskgate/core";
import {
  connectRedisTopology,
  describeRedisTopology,
  type Redis,
  type RedisTopology,
  redisEnvFields,
  redisSettingsProblems,
  redisTopologyOf,
  waitForRedis,
} from "@deskgate/redis";
import { z } from "zod";

/** A usage mistake: exit 2 with the usage. */
export class UsageError extends Error {}

/**
 * Redis for the audit command: --redis URL, else the apps' settings (REDIS_URL,
 * REDIS_SENTINELS…, REDIS_CLUSTER_NODES; environment or .env), else the local default.
 */
export function cliRedisTopology(flag: string | undefined): RedisTopology {
  if (flag !== undefined) {
    if (!/^rediss?:\/\//.test(flag))
      throw new UsageError(`--redis must be a redis:// URL, got ${flag}`);
    return { kind: "single", url: flag };
  }
  const env = readEnvironment(process.env);
  const parsed = z.object(redisEnvFields).safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)),
    ...redisSettingsProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new UsageError(problems.join("; "));
  return redisTopologyOf(parsed.data);
}

/** Connects, or throws naming where it tried. */
export async function connectCliRedis(topology: RedisTopology): Promise<Redis> {
  const redis = connectRedisTopology(topology, {
    connectionName: "deskgate-audit-cli",
    lazyConnect: true,
  });
  // Connection errors are reported once by the caller; ioredis would print each retry.
  redis.on("error", () => {});
  redis.connect().catch(() => {});
  try {
    await waitForRedis(redis, 3_000);
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `${describeRedisTopology(topology)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return redis;
}
