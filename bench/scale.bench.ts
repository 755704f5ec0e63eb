import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createApprovalBackend } from "@deskgate/approvals";
import { createLogger } from "@deskgate/core";
import { connectRedis } from "@deskgate/redis";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { FakeSlack, slashCommand } from "@deskgate/test-support/fake-slack";
import { executedKey } from "../apps/worker/src/testing/scripted-run-agent.ts";
import { botProcess } from "../e2e/app-processes.ts";
import { report } from "./stats.ts";
import { startWorkerProcesses } from "./support/worker-processes.ts";

/**
 * Scale: N runs waiting for approval at once (N headless desktop doubles in 4 worker
 * processes, one real bot process, one Redis), then all N decided at once. Checks every
 * decision is applied exactly once; reports time to drain, bot and worker RSS, and Redis
 * memory per waiting run without and with screenshots.
 */
const runs = Number(process.env.BENCH_RUNS ?? 200);
const processes = 4;
const _repo = resolve(import.meta.dirname, "..");
const logger = createLogger({ level: "silent" });
const dir = mkdtempSync(join(tmpdir(), "deskgate-scale-"));
const screenshot = join(dir, "screen.png");
execFileSync("convert", [
  "-size",
  "1280x720",
  "-seed",
  "7",
  "plasma:fractal",
  "-depth",
  "8",
  screenshot,
]);
const redis = await startPrivateRedis();
const client = connectRedis(redis.url);
const backend = createApprovalBackend(client, logger);
// Redis, memory and drain at scale, with a Slack that never throttles; the same fleet
// under Slack's limits is slack-fleet.bench.ts.
const slack = await new FakeSlack({ rateLimits: "off" }).start();
const rssMb = (pid: number | undefined) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

const bot = botProcess({
  redisUrl: redis.url,
  slack,
  logLevel: "warn",
  env: { SLACK_POSTING_BUDGET: "off" },
}).start();
const workers = startWorkerProcesses({
  redisUrl: redis.url,
  screenshot,
  desktops: Array.from({ length: runs }, (_, i) => `d-${i}`),
  processes,
});
await slack.waitForSocket();
for (const worker of workers) await worker.waitForLine(/desktops ready/, 120_000);
const idleBotRss = rssMb(bot.pid);
const memoryField = (info: string, field: string) =>
  Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? 0);
const infoBefore = await client.info("memory");
const memoryBefore = memoryField(infoBefore, "used_memory");

const started = Date.now();
for (let i = 0; i < runs; i += 1) {
  await slack.send({
    type: "slash_commands",
    payload: slashCommand(`start scale run ${i} --desktop d-${i}`, { userId: "U0ALICE" }),
  });
}
const waiting = await waitFor(
  async () => {
    const all = await backend.registry.list(runs * 2);
    const w = all.filter((r) => r.status === "waiting");
    return w.length === runs ? w : undefined;
  },
  { timeoutMs: 180_000, intervalMs: 200, what: `${runs} runs waiting` },
);
const allWaitingMs = Date.now() - started;
await waitFor(
  () =>
    slack.webApi
      .callsOf("chat.postMessage")
      .filter((c) => JSON.stringify(c.blocks ?? []).includes("approval.approve")).length >= runs,
  {
    timeoutMs: 120_000,
    intervalMs: 200,
    what: "every card posted",
  },
);
const infoWaiting = await client.info("memory");
const memoryWaiting = memoryField(infoWaiting, "used_memory");
const datasetGrowth =
  memoryField(infoWaiting, "used_memory_dataset") - memoryField(infoBefore, "used_memory_dataset");
const buffers = ["mem_aof_buffer", "mem_clients_normal", "mem_replication_backlog"]
  .map((f) => `${f} ${(memoryField(infoWaiting, f) / 1048576).toFixed(1)} MB`)
  .join(", ");
let screenshotBytes = 0;
let keyBytes = 0;
const families = new Map<string, number>();
for (const key of await client.keys("*")) {
  const bytes = Number(await client.memory("USAGE", key));
  if (key.startsWith("dg:screenshot:")) screenshotBytes += bytes;
  else keyBytes += bytes;
  const family = key
    .replace(/run_[A-Za-z0-9]+/g, "<run>")
    .replace(/apr_[A-Za-z0-9_]+/g, "<apr>")
    .replace(/d-\d+/g, "<desk>")
    .replace(/:\d+$/, ":<id>");
  families.set(family, (families.get(family) ?? 0) + bytes);
}
const loadedBotRss = rssMb(bot.pid);
const workerRss = workers.map((w) => rssMb(w.pid));

const decidedAt = Date.now();
await Promise.all(
  waiting.map((run) =>
    backend.runDesk.decide(run.pendingApprovalId!, {
      verdict: "approve",
      by: { userId: "U0BOB" },
      at: new Date().toISOString(),
      version: 1,
    }),
  ),
);
await waitFor(
  async () =>
    (await backend.registry.list(runs * 2)).filter((r) => r.status === "finished").length === runs,
  {
    timeoutMs: 180_000,
    intervalMs: 50,
    what: "every run finished",
  },
);
const drainMs = Date.now() - decidedAt;
const executions = await Promise.all(
  waiting.map((run) => client.llen(executedKey(run.request.runId))),
);
const exactlyOnce = executions.every((n) => n === 1);

const perRunWith = (memoryWaiting - memoryBefore) / runs;
process.stdout.write(
  `scale: ${runs} runs waiting at once (${processes} worker processes), then all decided at once\n`,
);
report([
  { name: "all runs waiting, cards posted after", value: `${(allWaitingMs / 1000).toFixed(1)} s` },
  {
    name: "decisions applied exactly once",
    value: exactlyOnce ? `yes (${runs}/${runs})` : `NO: ${executions.join(",")}`,
  },
  { name: "time to drain (all decided → all finished)", value: `${drainMs} ms` },
  {
    name: "bot RSS, loaded",
    value: `${loadedBotRss.toFixed(0)} MB`,
    ratio: loadedBotRss / idleBotRss,
  },
  { name: "bot RSS, idle (baseline)", value: `${idleBotRss.toFixed(0)} MB` },
  {
    name: "worker RSS per process (50 desktops)",
    value: workerRss.map((r) => `${r.toFixed(0)} MB`).join(", "),
  },
  {
    name: "Redis per waiting run, keys without screenshots",
    value: `${(keyBytes / runs / 1024).toFixed(1)} KB`,
  },
  {
    name: "Redis per waiting run, keys with screenshots",
    value: `${((keyBytes + screenshotBytes) / runs / 1024).toFixed(0)} KB`,
  },
  {
    name: "used_memory growth per run (all of Redis)",
    value: `${(perRunWith / 1024).toFixed(0)} KB; dataset ${(datasetGrowth / runs / 1024).toFixed(0)} KB; ${buffers}`,
  },
]);
process.stdout.write("Redis bytes per waiting run by key family (largest first):\n");
for (const [family, bytes] of [...families.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  process.stdout.write(`  ${(bytes / runs / 1024).toFixed(1).padStart(8)} KB  ${family}\n`);
}
process.stdout.write(
  `targets bot RSS ≤ 200 MB: ${loadedBotRss <= 200 ? "met" : "MISSED"}; ≤ 50 KB per waiting run without screenshots: ${keyBytes / runs <= 50 * 1024 ? "met" : "MISSED"}\n`,
);

for (const worker of workers) await worker.stop();
await bot.stop();
await backend.queues.close();
client.disconnect();
await slack.close();
await redis.dispose();
rmSync(dir, { recursive: true, force: true });
process.exit(exactlyOnce ? 0 : 1);
