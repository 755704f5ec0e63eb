import { type ChildProcess, spawn } from "node:child_process";
import { ConfigError, createLogger, readEnvironment } from "@deskgate/core";
import { checkEvictionPolicy, connectRedis, describeRedisUrl, resolveRedis } from "@deskgate/redis";
import { loadBotConfig } from "../apps/bot/src/config.ts";
import { loadWorkerConfig } from "../apps/worker/src/config.ts";

/**
 * `npm start`: the bot and one worker for this machine's desktop, for a single-machine
 * team. Each app runs in its own process with only its own secrets in its environment;
 * a private redis-server is started when no Redis is configured or answering.
 */
async function main(): Promise<void> {
  const env = readEnvironment(process.env);
  const problems = [
    ...configProblems(() => loadBotConfig(env)),
    ...configProblems(() => loadWorkerConfig(env)),
  ];
  if (problems.length > 0) {
    console.error(new ConfigError("deskgate", [...new Set(problems)]).message);
    process.exit(2);
  }
  const logger = createLogger({
    name: "deskgate",
    level: (env.LOG_LEVEL as "info" | undefined) ?? "info",
  });
  // Sentinel and Cluster are the apps' own business; one Redis is found or started here.
  const configured = env.REDIS_SENTINELS || env.REDIS_CLUSTER_NODES;
  const redis = configured
    ? undefined
    : await resolveRedis({
        redisUrl: env.REDIS_URL,
        path: env.PATH,
        dataDir: `${env.DATA_DIR ?? "data"}/redis`,
        logger,
      });
  if (redis) await warnAboutEviction(redis.url, logger);
  const redisEnv = redis ? { REDIS_URL: redis.url } : {};

  const children = [
    startApp("bot", { ...withoutPrefix(process.env, "ANTHROPIC_"), ...redisEnv }),
    startApp("worker", { ...withoutPrefix(process.env, "SLACK_"), ...redisEnv }),
  ];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
    await redis?.privateServer?.stop();
    logger.info({}, "stopped");
    process.exit(code);
  };
  for (const child of children) {
    child.once("exit", (code, signal) => {
      if (stopping) return;
      logger.error(
        { app: child.spawnargs.at(-1), code, signal },
        "an app exited; stopping the rest",
      );
      void stopAll(code ?? 1);
    });
  }
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
}

function configProblems(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

async function warnAboutEviction(
  url: string,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  const client = connectRedis(url, { connectionName: "deskgate-start" });
  try {
    const warning = await checkEvictionPolicy(client);
    if (warning) logger.warn({ redis: describeRedisUrl(url) }, warning);
  } finally {
    client.disconnect();
  }
}

function withoutPrefix(env: NodeJS.ProcessEnv, prefix: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith(prefix)));
}

function startApp(app: "bot" | "worker", env: NodeJS.ProcessEnv): ChildProcess {
  // Each app also ignores the other's secrets in .env (see its config.ts).
  return spawn(process.execPath, ["--import", "tsx", `apps/${app}/src/main.ts`], {
    env,
    stdio: "inherit",
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
