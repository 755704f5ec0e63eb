import type { Redis } from "ioredis";
import { isClusterConnection } from "./redis-connection.ts";

/**
 * How many replicas must hold a write before deskgate acknowledges it (a decision, to
 * Slack): 1 on Sentinel and Cluster, where a failover promotes a replica and replication is
 * asynchronous, so a write the old primary took but had not passed on is gone; 0 on one
 * Redis, which has none to wait for.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/replication/
 */
export function replicasToAcknowledge(redis: Redis): number {
  const sentinels = (redis as { options?: { sentinels?: unknown[] | null } }).options?.sentinels;
  return isClusterConnection(redis) || (Array.isArray(sentinels) && sentinels.length > 0) ? 1 : 0;
}

/**
 * Waits until `replicas` replicas hold every write made so far on this connection to the
 * node that owns `key` (WAIT, sent in a pipeline with a command on `key` so a Redis
 * Cluster client sends it over the same node connection as the writes). Returns how many
 * acknowledged within `timeoutMs`; fewer means the write is on the primary only. A primary
 * with fewer replicas connected (one died; degraded) is not waited on at all.
 * https://redis.io/docs/latest/commands/wait/
 */
export async function waitForReplicas(
  redis: Redis,
  key: string,
  replicas: number,
  timeoutMs = 1_000,
): Promise<number> {
  if (replicas <= 0) return 0;
  const [, info] = (await redis.pipeline().exists(key).info("replication").exec())?.[1] ?? [];
  const connected = Number(/^connected_slaves:(\d+)/m.exec(String(info))?.[1] ?? 0);
  if (connected < replicas) return connected;
  const [, waited] =
    (await redis.pipeline().exists(key).wait(replicas, timeoutMs).exec())?.[1] ?? [];
  return typeof waited === "number" ? waited : 0;
}
