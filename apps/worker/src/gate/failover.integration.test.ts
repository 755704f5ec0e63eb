import { redisKeys } from "@deskgate/approvals";
import { verifyTrail } from "@deskgate/audit";
import type { ComputerAction } from "@deskgate/contracts";
import type { RedisTopology } from "@deskgate/redis";
import { startRedisCluster, startSentinelGroup } from "@deskgate/redis/testing";
import { afterEach, describe, expect, it } from "vitest";
import { GateHarness } from "../testing/gate-harness.ts";

const click: ComputerAction = { action: "left_click", coordinate: [10, 20] };
const typeDate: ComputerAction = { action: "type", text: "date" };

/** A highly available Redis of the test's own, and how to fail it. */
interface Deployment {
  topology: RedisTopology;
  waitForReplicasInSync(): Promise<void>;
  /** Kills the primary that holds `key` (there is one primary on Sentinel). */
  killPrimaryFor(key: string): Promise<{ from: number; to: number }>;
  /** Errors the nodes counted, by prefix; what a cluster refuses shows as CROSSSLOT. */
  errorCounts(): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

async function sentinel(): Promise<Deployment> {
  const group = await startSentinelGroup();
  return {
    topology: group.topology,
    waitForReplicasInSync: () => group.waitForReplicaInSync(),
    killPrimaryFor: () => group.killPrimaryAndWaitForFailover(),
    errorCounts: async () => ({}),
    dispose: () => group.dispose(),
  };
}

async function cluster(): Promise<Deployment> {
  const nodes = await startRedisCluster();
  return {
    topology: nodes.topology,
    waitForReplicasInSync: () => nodes.waitForReplicasInSync(),
    killPrimaryFor: (key) => nodes.killPrimaryFor(key),
    errorCounts: () => nodes.errorCounts(),
    dispose: () => nodes.dispose(),
  };
}

let deployment: Deployment | undefined;
let harness: GateHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await deployment?.dispose();
});

describe.each([
  ["Sentinel (a primary, a replica, three sentinels)", sentinel],
  ["Cluster (three primaries, three replicas)", cluster],
])("on Redis %s", (_name, start) => {
  it("resumes every parked run after a primary is killed: no acknowledged decision lost, nothing run twice, no CROSSSLOT", async () => {
    const redis = await start();
    deployment = redis;
    const gate = new GateHarness(redis.topology, { closeTimeoutMs: 2_000 });
    harness = gate;
    for (const desktop of ["desk-a", "desk-b", "desk-c"])
      await gate.startDesktop({ desktop, actions: [click, typeDate] });
    const pinned = [
      await gate.startRun({ desktop: "desk-a" }),
      await gate.startRun({ desktop: "desk-b" }),
    ];
    const pinnedFirst = await Promise.all(pinned.map((run) => gate.waitForPending(run.runId)));
    // Through the shared queue: only desk-c is free to claim it.
    const shared = await gate.startRun();
    const runs = [...pinned, shared];
    const first = [...pinnedFirst, await gate.waitForPending(shared.runId)];
    expect((await gate.run(shared.runId))?.desktop).toBe("desk-c");
    // Parked, and on the replicas too: a request the primary took in its last moment before
    // dying is not what this is about (replication is asynchronous).
    await gate.waitForParked(runs.map((run) => run.runId));
    await redis.waitForReplicasInSync();

    // Acknowledged (what the bot shows in Slack next: decide waits for a replica to hold
    // it), then the primary holding the run's keys dies at once.
    expect((await gate.approve(first[0]!, "U_ALICE")).kind).toBe("decided");
    expect(await redis.errorCounts()).not.toHaveProperty("CROSSSLOT");
    const { from, to } = await redis.killPrimaryFor(redisKeys.run(runs[0]!.runId));
    expect(to).not.toBe(from);

    expect((await gate.approve(first[1]!)).kind).toBe("decided");
    expect((await gate.deny(first[2]!, "not this window")).kind).toBe("decided");
    expect((await gate.backend.store.get(first[0]!))?.outcome).toMatchObject({
      status: "approved",
      approvals: [{ by: { userId: "U_ALICE" } }],
    });
    for (const [index, run] of runs.entries()) {
      const second = await gate.waitForPending(run.runId, first[index], 20_000);
      await gate.approve(second);
    }
    for (const run of runs) await gate.waitForStatus(run.runId, "finished", 20_000);

    // Each approved action ran exactly once; the denied one never ran.
    const both = [
      { step: 1, action: click, note: null },
      { step: 2, action: typeDate, note: null },
    ];
    expect(await gate.executed(runs[0]!.runId)).toEqual(both);
    expect(await gate.executed(runs[1]!.runId)).toEqual(both);
    expect(await gate.executed(runs[2]!.runId)).toEqual([
      { step: 2, action: typeDate, note: null },
    ]);
    for (const run of runs) {
      expect(await verifyTrail(gate.backend.audit, run.runId)).toMatchObject({ ok: true });
      const types = (await gate.backend.audit.read(run.runId)).map((r) => r.event.type);
      expect(types.filter((type) => type === "approval.requested")).toHaveLength(2);
      expect(types.filter((type) => type === "run.finished")).toHaveLength(1);
    }
    const listed = await gate.backend.runDesk.listRuns({ limit: 10 });
    expect(listed.map((r) => r.request.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    expect(await redis.errorCounts()).not.toHaveProperty("CROSSSLOT");
  }, 90_000);
});
