import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
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

const run = promisify(execFile);

export interface RedisClusterOfOurOwn {
  topology: Extract<RedisTopology, { kind: "cluster" }>;
  ports: number[];
  /** The port of the primary that serves `key` now. */
  primaryFor(key: string): Promise<number>;
  /** Waits until every replica holds everything its primary took. */
  waitForReplicasInSync(timeoutMs?: number): Promise<void>;
  /** SIGKILLs the primary serving `key` and waits until its replica serves the slot. */
  killPrimaryFor(key: string, timeoutMs?: number): Promise<{ from: number; to: number }>;
  /** Errors each live node counted, by error prefix (`CROSSSLOT`, `MOVED`, …). */
  errorCounts(): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/**
 * A real six-node Redis Cluster of the test's own on free loopback ports: three primaries
 * and three replicas (`redis-server --cluster-enabled yes`, `redis-cli --cluster create`),
 * with a 1 s node timeout so a killed primary's replica takes over within seconds (shorter,
 * a loaded test machine sees false failovers).
 * https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/
 */
export async function startRedisCluster(): Promise<RedisClusterOfOurOwn> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-cluster-"));
  const servers = new Map<number, RedisServerProcess>();
  const dispose = async () => {
    await Promise.all([...servers.values()].map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < 6; i += 1) ports.push(await freePort());
    await Promise.all(
      ports.map((port) => {
        const server = new RedisServerProcess({
          port,
          dataDir: join(dir, String(port)),
          extraArgs: [
            ...fastReplication,
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "1000",
            // A replica may take over however long it was cut off: these are seconds old.
            "--cluster-replica-validity-factor",
            "0",
          ],
        });
        servers.set(port, server);
        return server.start();
      }),
    );
    await run(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "1",
        "--cluster-yes",
      ],
      { timeout: 30_000 },
    );
    const live = () => ports.filter((port) => servers.has(port));
    const allOk = async () =>
      (await Promise.all(live().map((p) => infoCluster(p, "cluster_state")))).every(
        (s) => s === "ok",
      );
    await waitUntil(allOk, 20_000, "the cluster to be ok on every node");
    await waitUntil(
      async () =>
        (await Promise.all(live().map((p) => infoField(p, "replication", "role")))).filter(
          (role) => role === "slave",
        ).length === 3 &&
        (
          await Promise.all(live().map((p) => infoField(p, "replication", "master_link_status")))
        ).filter((status) => status === "up").length === 3,
      20_000,
      "three replicas in sync",
    );
    const primaryFor = async (key: string) => {
      for (const port of live()) {
        const owner = await withClient(port, async (node) => {
          const slot = Number(await node.call("CLUSTER", "KEYSLOT", key));
          const slots = (await node.call("CLUSTER", "SLOTS")) as Array<
            [number, number, [string, number]]
          >;
          return slots.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        }).catch(() => undefined);
        if (owner !== undefined) return owner;
      }
      throw new Error(`no node answered for ${key}`);
    };
    return {
      topology: { kind: "cluster", nodes: ports.map((port) => ({ host: "127.0.0.1", port })) },
      ports,
      primaryFor,
      async waitForReplicasInSync(timeoutMs = 10_000) {
        await waitUntil(
          async () => {
            const roles = await Promise.all(live().map((p) => infoField(p, "replication", "role")));
            const primaries = live().filter((_, i) => roles[i] === "master");
            return (await Promise.all(primaries.map(replicasCaughtUp))).every(Boolean);
          },
          timeoutMs,
          "the replicas to catch up",
        );
      },
      async killPrimaryFor(key, timeoutMs = 20_000) {
        const from = await primaryFor(key);
        await servers.get(from)!.kill();
        servers.delete(from);
        let to = from;
        await waitUntil(
          async () => {
            to = await primaryFor(key);
            return to !== from && (await allOk());
          },
          timeoutMs,
          `a replica to take over ${key}'s slot`,
        );
        return { from, to };
      },
      async errorCounts() {
        const counts: Record<string, number> = {};
        for (const port of live()) {
          const text = await withClient(port, (node) => node.info("errorstats"));
          for (const [, name, count] of text.matchAll(/^errorstat_([A-Z]+):count=(\d+)/gm))
            counts[name!] = (counts[name!] ?? 0) + Number(count);
        }
        return counts;
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function infoCluster(port: number, name: string): Promise<string | undefined> {
  const text = await withClient(
    port,
    (node) => node.call("CLUSTER", "INFO") as Promise<string>,
  ).catch(() => "");
  return new RegExp(`^${name}:(.*)$`, "m").exec(text)?.[1]?.trim();
}
