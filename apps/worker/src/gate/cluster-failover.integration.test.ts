import { redisKeys } from "@deskgate/approvals";
import { verifyTrail } from "@deskgate/audit";
import type { ComputerAction } from "@deskgate/contracts";
import { type RedisClusterOfOurOwn, startRedisCluster } from "@deskgate/redis/testing";
import { afterEach, describe, expect, it } from "vitest";
import { GateHarness } from "../testing/gate-harness.ts";

const click: ComputerAction = { action: "left_click", coordinate: [10, 20] };
const typeDate: ComputerAction = { action: "type", text: "date" };

let cluster: RedisClusterOfOurOwn | undefined;
let harness: GateHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await cluster?.dispose();
});

describe("on Redis Cluster", () => {
  it("runs the approval flow across slots and through a primary's failover, with no CROSSSLOT", async () => {
    cluster = await startRedisCluster();
    const gate = new GateHarness(cluster.topology, { closeTimeoutMs: 2_000 });
    harness = gate;
    gate.collectEvents();
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
    await gate.waitForParked(runs.map((run) => run.runId));
    await cluster.waitForReplicasInSync();

    expect((await gate.approve(first[0]!, "U_ALICE")).kind).toBe("decided");
    expect(await cluster.errorCounts()).not.toHaveProperty("CROSSSLOT");
    // The primary that holds the first run's keys dies.
    const { from, to } = await cluster.killPrimaryFor(redisKeys.run(runs[0]!.runId));
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
      expect(
        (await gate.backend.audit.read(run.runId)).filter((r) => r.event.type === "run.finished"),
      ).toHaveLength(1);
    }
    expect(
      (await gate.backend.runDesk.listRuns({ limit: 10 })).map((r) => r.request.runId).sort(),
    ).toEqual(runs.map((r) => r.runId).sort());
    expect(await cluster.errorCounts()).not.toHaveProperty("CROSSSLOT");
  }, 90_000);
});
