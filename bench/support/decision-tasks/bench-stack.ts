import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RedisStreamAuditLog } from "@deskgate/audit";
import { createLogger, ShutdownSequence } from "@deskgate/core";
import { connectRedis } from "@deskgate/redis";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { type ScriptStep, startFakeAnthropic } from "@deskgate/test-support/fake-anthropic";
import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { z } from "zod";
import { botProcess, repoRoot, workerProcess } from "../../../e2e/app-processes.ts";
import type { BenchConfiguration } from "./bench-configurations.ts";

/** What the worker's "worker ready" log line says of its desktop. */
const workerReadySchema = z.object({
  desktop: z.string(),
  screen: z.object({ width: z.number(), height: z.number() }),
});

/** A model whose row in the tool table uses the GA toolset (several calls per reply). */
export const benchModel = "claude-haiku-5-5";
const apiKey = "sk-ant-bench-decisions-000000000000";

export interface BenchStack {
  slack: FakeSlack;
  audit: RedisStreamAuditLog;
  /** The worker's desktop name and the model's screen, as the worker reported them. */
  desktop: string;
  modelScreen: { width: number; height: number };
  /** The last lines both apps logged, for a failure's message. */
  logTail(): string;
  close(): Promise<void>;
}

/**
 * Everything one configuration runs on, for real: a private redis-server, the bot process
 * against the fake Slack, the worker process on `display` with the fake Messages API
 * playing `script`; both apps read the configuration's POLICY_FILE. `close` stops it all
 * in reverse order, also when starting failed half-way.
 */
export async function startBenchStack(options: {
  configuration: BenchConfiguration;
  display: string;
  script: ScriptStep[];
  approvers: readonly string[];
}): Promise<BenchStack> {
  const shutdown = new ShutdownSequence(createLogger({ level: "warn" }));
  try {
    const dataDir = mkdtempSync(join(tmpdir(), "deskgate-bench-"));
    shutdown.add("data", async () => rmSync(dataDir, { recursive: true, force: true }));
    const redis = await startPrivateRedis();
    shutdown.add("redis", () => redis.dispose());
    const client = connectRedis(redis.url);
    shutdown.add("redis client", async () => client.disconnect());
    const slack = await new FakeSlack().start();
    shutdown.add("fake slack", () => slack.close());
    const model = await startFakeAnthropic({ apiKey, script: options.script });
    shutdown.add("fake anthropic", () => model.close());
    const policy = options.configuration.policyFile
      ? { POLICY_FILE: resolve(repoRoot, options.configuration.policyFile) }
      : {};
    const bot = botProcess({
      redisUrl: redis.url,
      slack,
      env: { ...policy, DATA_DIR: dataDir, SLACK_APPROVERS: options.approvers.join(",") },
    }).start();
    shutdown.add("bot", () => bot.stop());
    const worker = workerProcess({
      HOME: process.env.HOME ?? "/tmp",
      LANG: "C.UTF-8",
      ...policy,
      DISPLAY: options.display,
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      ANTHROPIC_API_KEY: apiKey,
      ANTHROPIC_BASE_URL: model.baseURL,
      ANTHROPIC_MODEL: benchModel,
      WORKER_NAME: "bench-desk",
      WORKER_HEALTH_PORT: "0",
    }).start();
    shutdown.add("worker", () => worker.stop());
    await bot.waitForLine(/"msg":"bot ready"/, 30_000);
    const ready = await worker.waitForLine(/"msg":"worker ready"/, 30_000);
    await slack.waitForSocket();
    const reported = workerReadySchema.parse(JSON.parse(ready));
    return {
      slack,
      audit: new RedisStreamAuditLog({ redis: client }),
      desktop: reported.desktop,
      modelScreen: reported.screen,
      logTail: () =>
        [`bot:`, ...bot.lines.slice(-15), `worker:`, ...worker.lines.slice(-25)].join("\n"),
      close: () => shutdown.close(),
    };
  } catch (err) {
    await shutdown.close();
    throw err;
  }
}
