import { resolve } from "node:path";
import type { ComputerAction } from "@deskgate/contracts";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { AppProcess } from "@deskgate/test-support/app-process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GateHarness } from "../testing/gate-harness.ts";

const actions: ComputerAction[] = [
  { action: "left_click", coordinate: [10, 20] },
  { action: "type", text: "date" },
];
const entry = resolve(import.meta.dirname, "../testing/scripted-worker-process.ts");

let redis: PrivateRedis;
let harness: GateHarness;
const processes: AppProcess[] = [];
beforeEach(async () => {
  redis = await startPrivateRedis();
  harness = new GateHarness(redis.url);
});
afterEach(async () => {
  for (const app of processes.splice(0)) await app.kill();
  await harness.close();
  await redis.dispose();
});

function startWorker(): AppProcess {
  const app = new AppProcess({
    command: process.execPath,
    args: ["--import", "tsx", entry],
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      DESKTOP: "desk-a",
      ACTIONS: JSON.stringify(actions),
    },
    label: "worker",
  }).start();
  processes.push(app);
  return app;
}

describe("a worker killed while its run waits", () => {
  it("resumes the same request after a restart and applies the decision made while it was down", async () => {
    const first = startWorker();
    await first.waitForLine(/scripted worker ready/);
    const run = await harness.startRun({ desktop: "desk-a" });
    const approvalId = await harness.waitForPending(run.runId);
    await first.kill();
    expect(first.exited?.signal).toBe("SIGKILL");

    expect((await harness.approve(approvalId)).kind).toBe("decided");
    const second = startWorker();
    await second.waitForLine(/scripted worker ready/);
    const next = await harness.waitForPending(run.runId, approvalId, 15_000);
    expect(next).not.toBe(approvalId);
    expect(await harness.executed(run.runId)).toEqual([
      { step: 1, action: actions[0], note: null },
    ]);

    // Killed again while waiting on step 2; no second card for step 1, nothing done twice.
    await second.kill();
    await harness.approve(next);
    startWorker();
    await harness.waitForStatus(run.runId, "finished", 15_000);
    expect((await harness.executed(run.runId)).map((e) => e.step)).toEqual([1, 2]);
    const requested = (await harness.backend.audit.read(run.runId)).filter(
      (r) => r.event.type === "approval.requested",
    );
    expect(requested).toHaveLength(2);
  });
});
