import type { ApprovalGate } from "@deskgate/agent";
import { createApprovalBackend, createDeadlineWorker } from "@deskgate/approvals";
import type { RunRequest } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { createScreenBinding } from "@deskgate/desktop";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { parsePolicy } from "@deskgate/policy";
import { connectRedis, type Redis } from "@deskgate/redis";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { startDesktopWorker } from "../apps/worker/src/desktop-worker.ts";
import type { RunAgent } from "../apps/worker/src/handlers/run-agent.ts";
import { emptySummary } from "../apps/worker/src/handlers/run-agent-job.ts";
import { report, summarize } from "./stats.ts";

/**
 * Decision → actuation: from the decide call (what a click triggers) to the worker's
 * actuation call starting, through real Redis and BullMQ (the parked run is promoted by
 * the decision and resumed from its checkpoint). Baseline in the same run: a waiter that
 * polls Redis every second, as polling-based approval SDKs resume.
 */
const decisions = Number(process.env.BENCH_DECISIONS ?? 1_000);
const baselineDecisions = Number(process.env.BENCH_BASELINE_DECISIONS ?? 200);
const logger = createLogger({ level: "silent" });
const redis = await startPrivateRedis({ appendOnly: true });
const connections: Redis[] = [];
const connect = () => {
  const c = connectRedis(redis.url);
  connections.push(c);
  return c;
};

const actuatedAt = new Map<string, number>();
const finished = new Map<string, () => void>();
// One action per run; the "actuation" is the moment the approved action would start.
const runAgent: RunAgent = async ({ request, gate, checkpoints }) => {
  await checkpoints.save(request.runId, { at: 0 });
  const verdict = await (gate as ApprovalGate).review(
    {
      runId: request.runId,
      step: 1,
      toolUseId: "toolu_1",
      action: { action: "left_click", coordinate: [1, 1] },
    },
    { computer },
  );
  if (verdict.kind === "approve") actuatedAt.set(request.runId, performance.now());
  return { status: "finished", summary: emptySummary("done") };
};
const computer = new RecordingComputer();
const workerConnection = connect();
const worker = await startDesktopWorker({
  connection: workerConnection,
  backend: createApprovalBackend(workerConnection, logger),
  desktop: "bench",
  model: "bench",
  policy: parsePolicy(
    { rules: [{ id: "ask", match: {}, decision: "ask" }] },
    { approvalTimeoutMs: 600_000 },
  ),
  computer,
  runAgent: async (input) => {
    const result = await runAgent(input);
    finished.get(input.request.runId)?.();
    return result;
  },
  renderApprovalImage: async (shot) => shot.png,
  screenBinding: createScreenBinding(),
  logger,
});
const backend = createApprovalBackend(connect(), logger);
const deadlines = createDeadlineWorker(connect(), backend.decisions, logger);

async function waitingApproval(runId: string): Promise<string> {
  for (;;) {
    const run = await backend.registry.get(runId);
    if (run?.status === "waiting" && run.pendingApprovalId) return run.pendingApprovalId;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const latencies: number[] = [];
for (let i = 0; i < decisions; i += 1) {
  const request: RunRequest = {
    runId: `run_bench${String(i).padStart(6, "0")}`,
    task: "bench",
    requester: { userId: "U1" },
    channel: "C1",
    desktop: "bench",
    requestedAt: new Date().toISOString(),
  };
  const done = new Promise<void>((resolve) => finished.set(request.runId, resolve));
  await backend.runDesk.startRun(request);
  const approvalId = await waitingApproval(request.runId);
  await new Promise((resolve) => setTimeout(resolve, 1)); // let the job finish parking
  const clicked = performance.now();
  await backend.runDesk.decide(approvalId, {
    verdict: "approve",
    by: { userId: "U2" },
    at: new Date().toISOString(),
    version: 1,
  });
  await done;
  latencies.push(actuatedAt.get(request.runId)! - clicked);
}

// Baseline: each waiter polls its decision key every second.
const pollClient = connect();
const baseline: number[] = [];
const concurrency = 100;
for (let round = 0; round < Math.ceil(baselineDecisions / concurrency); round += 1) {
  await Promise.all(
    Array.from(
      { length: Math.min(concurrency, baselineDecisions - round * concurrency) },
      async (_, i) => {
        const key = `bench:poll:${round}:${i}`;
        const waiter = (async () => {
          for (;;) {
            if (await pollClient.get(key)) return performance.now();
            await new Promise((resolve) => setTimeout(resolve, 1_000));
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_000));
        const clicked = performance.now();
        await pollClient.set(key, "approved");
        baseline.push((await waiter) - clicked);
      },
    ),
  );
}

const ours = summarize(latencies);
const polled = summarize(baseline);
process.stdout.write(
  `decision → actuation, real Redis + BullMQ, ${decisions} decisions (baseline: ${baselineDecisions})\n`,
);
report([
  {
    name: "promote on decision (deskgate)",
    value: `p50 ${ours.p50.toFixed(2)} ms · p99 ${ours.p99.toFixed(2)} ms · max ${ours.max.toFixed(1)} ms`,
    ratio: polled.p50 / ours.p50,
  },
  {
    name: "baseline: poll Redis every 1 s",
    value: `p50 ${polled.p50.toFixed(1)} ms · p99 ${polled.p99.toFixed(1)} ms · max ${polled.max.toFixed(1)} ms`,
  },
]);
process.stdout.write(
  `targets p50 ≤ 10 ms, p99 ≤ 50 ms: ${ours.p50 <= 10 && ours.p99 <= 50 ? "met" : "MISSED"}\n`,
);

await worker.close();
await deadlines.close();
await backend.queues.close();
for (const c of connections) c.disconnect();
await redis.dispose();
process.exit(0);
