import { verifyTrail } from "@deskgate/audit";
import type { ComputerAction } from "@deskgate/contracts";
import { type SentinelGroup, startSentinelGroup } from "@deskgate/redis/testing";
import { afterEach, describe, expect, it } from "vitest";
import { GateHarness } from "../testing/gate-harness.ts";

const click: ComputerAction = { action: "left_click", coordinate: [10, 20] };
const typeDate: ComputerAction = { action: "type", text: "date" };
const desktops = ["desk-a", "desk-b", "desk-c"];

let group: SentinelGroup | undefined;
let harness: GateHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await group?.dispose();
});

describe("on Redis Sentinel", () => {
  it("resumes every waiting run after the primary is killed, losing no acknowledged decision and running nothing twice", async () => {
    group = await startSentinelGroup();
    const gate = new GateHarness(group.topology, { closeTimeoutMs: 2_000 });
    harness = gate;
    for (const desktop of desktops)
      await gate.startDesktop({ desktop, actions: [click, typeDate] });
    const runs = await Promise.all(desktops.map((desktop) => gate.startRun({ desktop })));
    const first = await Promise.all(runs.map((run) => gate.waitForPending(run.runId)));
    // Parked: what the primary took is on the replica too (replication is asynchronous; a
    // request the primary took in the last moment before dying is not what this is about).
    await gate.waitForParked(runs.map((run) => run.runId));
    await group.waitForReplicaInSync();

    // Acknowledged (what the bot then shows in Slack: decide waits for a replica to hold
    // it), then the primary dies at once.
    expect((await gate.approve(first[0]!, "U_ALICE")).kind).toBe("decided");
    const { from, to } = await group.killPrimaryAndWaitForFailover();
    expect(to).not.toBe(from);

    expect((await gate.approve(first[1]!)).kind).toBe("decided");
    expect((await gate.deny(first[2]!, "not this window")).kind).toBe("decided");
    const acknowledged = await gate.backend.store.get(first[0]!);
    expect(acknowledged?.outcome).toMatchObject({
      status: "approved",
      approvals: [{ by: { userId: "U_ALICE" } }],
    });

    for (const [index, run] of runs.entries()) {
      const second = await gate.waitForPending(run.runId, first[index], 20_000);
      await gate.approve(second);
    }
    for (const run of runs) await gate.waitForStatus(run.runId, "finished", 20_000);

    // Each approved action ran exactly once; the denied one never ran.
    expect(await gate.executed(runs[0]!.runId)).toEqual([
      { step: 1, action: click, note: null },
      { step: 2, action: typeDate, note: null },
    ]);
    expect(await gate.executed(runs[1]!.runId)).toEqual([
      { step: 1, action: click, note: null },
      { step: 2, action: typeDate, note: null },
    ]);
    expect(await gate.executed(runs[2]!.runId)).toEqual([
      { step: 2, action: typeDate, note: null },
    ]);
    for (const run of runs) {
      expect(await verifyTrail(gate.backend.audit, run.runId)).toMatchObject({ ok: true });
      const types = (await gate.backend.audit.read(run.runId)).map((r) => r.event.type);
      expect(types.filter((t) => t === "approval.requested")).toHaveLength(2);
      expect(types.filter((t) => t === "run.finished")).toHaveLength(1);
    }
  }, 60_000);
});
