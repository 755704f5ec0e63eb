import { createLogger } from "@deskgate/core";
import { afterEach, describe, expect, it } from "vitest";
import { openServiceRedis } from "./open-service-redis.ts";
import { isClusterConnection } from "./redis-connection.ts";
import type { RedisTopology } from "./redis-settings.ts";
import { replicasToAcknowledge, waitForReplicas } from "./replica-ack.ts";
import { startPrivateRedis } from "./testing/private-redis.ts";
import { startRedisCluster } from "./testing/redis-cluster.ts";
import { startSentinelGroup } from "./testing/sentinel-group.ts";

const logger = createLogger({ level: "silent" });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(topology: RedisTopology) {
  const closers: Array<() => Promise<void>> = [];
  const redis = await openServiceRedis({
    redis: topology,
    path: process.env.PATH,
    dataDir: "unused",
    connectionName: "deskgate-test",
    logger,
    onClose: (_name, close) => closers.push(close),
  });
  cleanups.push(async () => {
    for (const close of closers.reverse()) await close();
  });
  return redis;
}

describe("an app's Redis in each deployment", () => {
  it("one Redis: nothing to wait for", async () => {
    const server = await startPrivateRedis({ appendOnly: false });
    cleanups.push(server.dispose);
    const redis = await open({ kind: "single", url: server.url });
    expect(await redis.ping()).toBe("PONG");
    expect(replicasToAcknowledge(redis)).toBe(0);
  });

  it("Sentinel: finds the primary, and a write is acknowledged by its replica", async () => {
    const group = await startSentinelGroup();
    cleanups.push(group.dispose);
    const redis = await open(group.topology);
    await redis.set("dg:run:{run_abc123}", "x");
    expect(replicasToAcknowledge(redis)).toBe(1);
    expect(await waitForReplicas(redis, "dg:run:{run_abc123}", 1)).toBe(1);
    const port = /^tcp_port:(\d+)/m.exec(await redis.info("server"))?.[1];
    expect(Number(port)).toBe(await group.primaryPort());
  });

  it("Cluster: routes by slot, and WAIT reaches the node that took the write", async () => {
    const cluster = await startRedisCluster();
    cleanups.push(cluster.dispose);
    const redis = await open(cluster.topology);
    expect(isClusterConnection(redis)).toBe(true);
    for (const runId of ["run_aaaaaa", "run_bbbbbb", "run_cccccc"]) {
      await redis.set(`dg:run:{${runId}}`, runId);
      expect(await waitForReplicas(redis, `dg:run:{${runId}}`, 1)).toBe(1);
    }
    await expect(
      redis.mset("dg:run:{run_aaaaaa}:x", "1", "dg:run:{run_bbbbbb}:x", "2"),
    ).rejects.toThrow(/CROSSSLOT/);
  });
});
