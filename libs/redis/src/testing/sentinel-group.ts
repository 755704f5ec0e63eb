import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisServerProcess } from "../redis-server-process.ts";
import type { RedisTopology } from "../redis-settings.ts";
import {
  fastReplication,
  infoField,
  replicasCaughtUp,
  waitUntil,
  withClient,
} from "./node-probes.ts";
import { freePort } from "./private-redis.ts";

export interface SentinelGroup {
  topology: Extract<RedisTopology, { kind: "sentinel" }>;
  masterName: string;
  /** The data nodes, primary first at the start; a failover swaps their roles. */
  servers: RedisServerProcess[];
  /** The port of the node the sentinels name as primary now. */
  primaryPort(): Promise<number>;
  /** Waits until the replica holds everything the primary took (replication is asynchronous). */
  waitForReplicaInSync(timeoutMs?: number): Promise<void>;
  /** Kills the current primary with SIGKILL and waits until the sentinels promote another. */
  killPrimaryAndWaitForFailover(timeoutMs?: number): Promise<{ from: number; to: number }>;
  /** Kills every process it started and deletes their folders. */
  dispose(): Promise<void>;
}

/**
 * A real Sentinel deployment of the test's own on free loopback ports: a primary, one
 * replica and three sentinels (quorum 2) from the `redis-sentinel` package, tuned to fail
 * over within a few seconds (`down-after-milliseconds` 1000: shorter, a loaded test machine
 * sees false failovers, and a false failover loses what the old primary took meanwhile).
 * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */
export async function startSentinelGroup(masterName = "deskgate"): Promise<SentinelGroup> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-sentinel-"));
  const servers: RedisServerProcess[] = [];
  const sentinels: ChildProcess[] = [];
  const sentinelPorts: number[] = [];
  const dispose = async () => {
    for (const child of sentinels)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primaryPort = await freePort();
    const primary = new RedisServerProcess({
      port: primaryPort,
      dataDir: join(dir, "primary"),
      extraArgs: fastReplication,
    });
    servers.push(primary);
    await primary.start();
    const replicaPort = await freePort();
    const replica = new RedisServerProcess({
      port: replicaPort,
      dataDir: join(dir, "replica"),
      extraArgs: [...fastReplication, "--replicaof", "127.0.0.1", String(primaryPort)],
    });
    servers.push(replica);
    await replica.start();
    await waitUntil(
      async () => (await infoField(replicaPort, "replication", "master_link_status")) === "up",
      10_000,
      "the replica to sync",
    );
    // Each sentinel is told its own id and the others' (and the replica), so the group is
    // complete at once instead of after a few rounds of hello messages.
    for (let i = 0; i < 3; i += 1) sentinelPorts.push(await freePort());
    const ids = sentinelPorts.map(() => randomBytes(20).toString("hex"));
    for (const [i, port] of sentinelPorts.entries()) {
      const conf = join(dir, `sentinel-${i}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel myid ${ids[i]}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 3000`,
          `sentinel parallel-syncs ${masterName} 1`,
          `sentinel known-replica ${masterName} 127.0.0.1 ${replicaPort}`,
          ...sentinelPorts.flatMap((other, j) =>
            j === i ? [] : [`sentinel known-sentinel ${masterName} 127.0.0.1 ${other} ${ids[j]}`],
          ),
          "",
        ].join("\n"),
      );
      sentinels.push(spawn("redis-sentinel", [conf], { stdio: "ignore" }));
    }
    const topology = {
      kind: "sentinel" as const,
      sentinels: sentinelPorts.map((port) => ({ host: "127.0.0.1", port })),
      masterName,
    };
    const primaryPortNow = async () => {
      for (const port of sentinelPorts) {
        const reply = await askSentinel(port, masterName).catch(() => undefined);
        if (reply) return reply;
      }
      throw new Error("no sentinel answered");
    };
    // Every sentinel must know the others and the replica before a failover can be agreed.
    await waitUntil(
      async () => {
        const counts = await Promise.all(
          sentinelPorts.map((port) => sentinelCounts(port, masterName)),
        );
        return counts.every((c) => c.sentinels >= 2 && c.replicas >= 1);
      },
      15_000,
      "the sentinels to find each other and the replica",
    );
    return {
      topology,
      masterName,
      servers,
      primaryPort: primaryPortNow,
      async waitForReplicaInSync(timeoutMs = 10_000) {
        const port = await primaryPortNow();
        await waitUntil(() => replicasCaughtUp(port), timeoutMs, "the replica to catch up");
      },
      async killPrimaryAndWaitForFailover(timeoutMs = 15_000) {
        const from = await primaryPortNow();
        if (from !== primaryPort)
          throw new Error(`the sentinels failed over on their own (to ${from}) before the kill`);
        const server = servers.find((s) => s.url.endsWith(`:${from}`));
        if (!server) throw new Error(`no server of ours on port ${from}`);
        await server.kill();
        let to = from;
        await waitUntil(
          async () => {
            to = await primaryPortNow();
            return to !== from && (await infoField(to, "replication", "role")) === "master";
          },
          timeoutMs,
          "the sentinels to promote the replica",
        );
        return { from, to };
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function askSentinel(port: number, masterName: string): Promise<number> {
  const reply = (await withClient(port, (c) =>
    c.call("SENTINEL", "get-master-addr-by-name", masterName),
  )) as [string, string] | null;
  if (!reply) throw new Error("unknown master");
  return Number(reply[1]);
}

async function sentinelCounts(port: number, masterName: string) {
  const reply = (await withClient(port, (c) => c.call("SENTINEL", "master", masterName)).catch(
    () => [],
  )) as string[];
  const field = (name: string) => Number(reply[reply.indexOf(name) + 1] ?? 0);
  return { sentinels: field("num-other-sentinels"), replicas: field("num-slaves") };
}
