import { resolve } from "node:path";
import { createApprovalBackend, runIdOfApproval } from "@deskgate/approvals";
import type { ComputerAction, RunRequest } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { connectRedis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { AppProcess, waitFor } from "@deskgate/test-support/app-process";
import { FakeSlack, slashCommand } from "@deskgate/test-support/fake-slack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deniedKey,
  executedKey,
  interruptedKey,
} from "../apps/worker/src/testing/scripted-run-agent.ts";
import { botProcess } from "./app-processes.ts";

/**
 * Kill -9 at random moments — the worker, the bot, Redis (AOF, fsync always) — while a
 * 20-step run is approved and denied step by step, over seeded trials. Each killed part
 * is restarted. Every trial must end with the run finished, no action run twice, none run
 * without approval, no decision lost, and the audit trail complete.
 * FAULT_TRIALS and FAULT_SEED choose the count and the seed (`npm run test:soak`: 25).
 */
const trials = Number(process.env.FAULT_TRIALS ?? 3);
const seed = Number(process.env.FAULT_SEED ?? 20261125);
/** Chance of a kill while a request waits, and again right after its decision. */
const killRate = Number(process.env.FAULT_KILL_RATE ?? 0.08);
const targets = ["worker", "bot", "redis"] as const;
type Target = (typeof targets)[number];
const pickTarget = (rand: () => number): Target => targets[Math.floor(rand() * targets.length)]!;
const repo = resolve(import.meta.dirname, "..");
const steps: ComputerAction[] = Array.from({ length: 20 }, (_, i) =>
  i % 3 === 0
    ? { action: "left_click", coordinate: [10 + i, 20 + i] }
    : i % 3 === 1
      ? { action: "type", text: `line ${i}` }
      : { action: "key", text: "Return" },
);

function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let redis: PrivateRedis;
let slack: FakeSlack;
const logger = createLogger({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function workerProcess(): AppProcess {
  return new AppProcess({
    command: process.execPath,
    args: ["--import", "tsx", "apps/worker/src/testing/scripted-worker-process.ts"],
    cwd: repo,
    label: "worker",
    env: {
      PATH: process.env.PATH ?? "",
      REDIS_URL: redis.url,
      DESKTOP: "desk-f",
      ACTIONS: JSON.stringify(steps),
      LOCK_MS: "1500",
    },
  });
}
function startBot(): AppProcess {
  return botProcess({ redisUrl: redis.url, slack, logLevel: "warn" });
}

/** Retries an operation while Redis is down or restarting. */
async function retrying<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (err) {
      if (attempt > 200) throw err;
      await sleep(50);
    }
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: true });
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack?.close();
  await redis?.dispose();
});

describe("fault injection", () => {
  it(`keeps the oversight promise through ${trials} trials of random kill -9s`, async () => {
    const rand = random(seed);
    const client = connectRedis(redis.url);
    client.on("error", () => undefined); // Redis is killed on purpose; calls are retried
    const startedRuns = new Set<string>();
    const backend = createApprovalBackend(client, logger);
    let worker = workerProcess().start();
    let bot = startBot().start();
    await worker.waitForLine(/scripted worker ready/, 30_000);
    await slack.waitForSocket();
    const report: string[] = [];
    const kills = { worker: 0, bot: 0, redis: 0 };
    try {
      for (let trial = 1; trial <= trials; trial += 1) {
        // Started as a person would, so the bot has the run's thread to post into.
        await retrying(() =>
          slack.send({
            type: "slash_commands",
            payload: slashCommand(`start twenty steps, trial ${trial} --desktop desk-f`, {
              userId: "U0ALICE",
            }),
          }),
        );
        const request: RunRequest = await waitFor(
          async () => {
            const [latest] = await retrying(() => backend.runDesk.listRuns({ limit: 1 }));
            return latest && !startedRuns.has(latest.request.runId) ? latest.request : undefined;
          },
          { timeoutMs: 60_000, what: `trial ${trial}'s run` },
        );
        startedRuns.add(request.runId);
        const decided = new Map<string, "approved" | "denied">();
        const trialKills: string[] = [];
        const deadline = Date.now() + 90_000;
        const trialStarted = Date.now();
        const kill = async (target: Target, pauseMs: number) => {
          kills[target] += 1;
          trialKills.push(target);
          if (target === "worker") {
            await worker.kill();
            await sleep(pauseMs);
            worker = workerProcess().start();
          } else if (target === "bot") {
            await bot.kill();
            await sleep(pauseMs);
            bot = startBot().start();
          } else {
            await redis.server.kill();
            await sleep(pauseMs);
            await redis.server.start();
          }
        };
        for (;;) {
          if (Date.now() > deadline) {
            const run = await backend.registry.get(request.runId);
            const job = await backend.queues.runs("desk-f").getJob(request.runId);
            process.stderr.write(
              `trial ${trial} timed out; kills [${trialKills.join(", ")}]\nrun: ${JSON.stringify(run)}\njob: ${job ? await job.getState() : "none"} ${JSON.stringify(job?.data ?? {}).slice(0, 300)}\nworker log:\n${worker.lines.slice(-40).join("\n")}\nbot log:\n${bot.lines.slice(-20).join("\n")}\n`,
            );
            expect.fail(`trial ${trial} timed out`);
          }
          const run = await retrying(() => backend.registry.get(request.runId));
          if (
            run &&
            (run.status === "finished" || run.status === "failed" || run.status === "cancelled")
          )
            break;
          const approvalId = run?.status === "waiting" ? run.pendingApprovalId : undefined;
          if (approvalId && !decided.has(approvalId)) {
            // Drawn per request, never per poll, so a seed replays the same schedule: the
            // verdict, and whether to kill something while the run waits and again right
            // after the decision (while the worker wakes and acts).
            const verdict = rand() < 0.8 ? "approve" : "deny";
            const killWhileWaiting = rand() < killRate ? pickTarget(rand) : undefined;
            const killAfterDecision = rand() < killRate ? pickTarget(rand) : undefined;
            const pauseMs = Math.floor(rand() * 300);
            if (killWhileWaiting) await kill(killWhileWaiting, pauseMs);
            const result = await retrying(() =>
              backend.runDesk.decide(
                approvalId,
                verdict === "deny"
                  ? {
                      verdict,
                      by: { userId: "U0BOB" },
                      at: new Date().toISOString(),
                      reason: "not this one",
                    }
                  : { verdict, by: { userId: "U0BOB" }, at: new Date().toISOString(), version: 1 },
              ),
            );
            if (result.kind === "decided" || result.kind === "already_decided") {
              decided.set(approvalId, result.state.outcome!.status as "approved" | "denied");
            }
            if (killAfterDecision) await kill(killAfterDecision, pauseMs);
          }
          await sleep(20);
        }

        // The checks.
        const run = (await retrying(() => backend.registry.get(request.runId)))!;
        expect(run.status, `trial ${trial} ended: ${run.endReason}`).toBe("finished");
        const executed = (await client.lrange(executedKey(request.runId), 0, -1)).map(
          (e) => JSON.parse(e).step as number,
        );
        const interrupted = (await client.lrange(interruptedKey(request.runId), 0, -1)).map(Number);
        const denied = (await client.lrange(deniedKey(request.runId), 0, -1)).map(
          (e) => JSON.parse(e).step as number,
        );
        expect(new Set(executed).size, "an action ran twice").toBe(executed.length);
        const stepOf = (id: string) => Number(/_(\d+)(?:_\d+)?$/.exec(id)![1]);
        const approvedSteps = new Set(
          [...decided].filter(([, s]) => s === "approved").map(([id]) => stepOf(id)),
        );
        const deniedSteps = new Set(
          [...decided].filter(([, s]) => s === "denied").map(([id]) => stepOf(id)),
        );
        for (const step of executed)
          expect(approvedSteps.has(step), `step ${step} ran without approval`).toBe(true);
        for (const step of approvedSteps)
          expect(
            executed.includes(step) || interrupted.includes(step),
            `approved step ${step} lost`,
          ).toBe(true);
        for (const step of deniedSteps)
          expect(executed.includes(step), `denied step ${step} ran`).toBe(false);
        expect(new Set(denied)).toEqual(deniedSteps);
        for (const [approvalId, status] of decided) {
          const stored = await backend.store.get(approvalId);
          expect(stored?.outcome?.status, `decision on ${approvalId} lost`).toBe(status);
        }
        const audit = (await backend.audit.read(request.runId)).map((r) => r.event);
        for (const approvalId of decided.keys()) {
          expect(
            audit.some((e) => e.type === "approval.requested" && e.approvalId === approvalId),
            `request ${approvalId} not audited`,
          ).toBe(true);
          expect(
            audit.some(
              (e) =>
                (e.type === "approval.granted" || e.type === "approval.denied") &&
                e.approvalId === approvalId,
            ),
            `decision ${approvalId} not audited`,
          ).toBe(true);
        }
        expect(
          audit.at(-1)?.type,
          `trial ${trial}: the audit ends ${JSON.stringify(audit.slice(-4))}`,
        ).toBe("run.finished");
        report.push(
          `trial ${trial}: kills [${trialKills.join(", ") || "none"}] → finished in ${((Date.now() - trialStarted) / 1000).toFixed(1)} s; ${executed.length} executed once, ${deniedSteps.size} denied, ${interrupted.length} interrupted (reported, not replayed), ${decided.size} decisions kept`,
        );
      }
      // Every request reached Slack as a card, even across bot and Redis kills.
      // A card posted after its decision shows the outcome instead of buttons; either way the
      // bot records the card's message, and that message must exist in Slack.
      const missingCards = async () => {
        const missing: string[] = [];
        for (const key of await client.keys("dg:approval:*")) {
          const approvalId = key.slice(key.lastIndexOf(":") + 1);
          const runId = runIdOfApproval(approvalId);
          const ts = await client.hget(`slack:run:{${runId}}:messages`, `card:${approvalId}`);
          if (!ts || !slack.webApi.messages.has(ts)) missing.push(approvalId);
        }
        return missing;
      };
      const missing = await waitFor(
        async () => ((await missingCards()).length === 0 ? [] : undefined),
        { timeoutMs: 60_000, intervalMs: 1_000, what: "a card for every request" },
      ).catch(async () => missingCards());
      if (missing.length > 0) {
        const counts = await backend.queues.runEvents().getJobCounts();
        const failed = await backend.queues.runEvents().getFailed(0, 3);
        process.stderr.write(
          `run-events: ${JSON.stringify(counts)} failed: ${failed.map((j) => j.failedReason).join(" | ")}\nbot log:\n${bot.lines.slice(-30).join("\n")}\n`,
        );
      }
      expect(missing, "requests without a card").toEqual([]);
    } finally {
      await worker.kill();
      await bot.kill();
      await backend.queues.close();
      client.disconnect();
    }
    process.stdout.write(
      `fault injection (seed ${seed}): ${trials} trials, kills worker ${kills.worker} · bot ${kills.bot} · redis ${kills.redis}\n${report.join("\n")}\n`,
    );
  }, 600_000);
});
