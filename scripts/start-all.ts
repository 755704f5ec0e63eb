import { type ChildProcess, spawn } from "node:child_process";
import { ConfigError, createLogger, readEnvironment } from "@deskgate/core";
import { checkEvictionPolicy, connectRedis, describeRedisUrl, resolveRedis } from "@deskgate/redis";
import { loadBotConfig } from "../apps/bot/src/config.ts";
import { loadWorkerConfig } from "../apps/worker/src/config.ts";

/**
 * `npm start`: the bot and one worker for this machine's desktop, for a single-machine
 * team. Each app runs in its own process with only its own secrets in its environment;
 * a private redis-server is started when no Redis is configured or answering.
 * package.json runs it as `exec node --import tsx …`: npm forwards SIGTERM only to its own
 * child, the `sh -c` around the script (Debian's dash does not exec a lone command), so
 * without `exec` a SIGTERM to npm stopped that shell and left every process below running.
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
        port: loadBotConfig(env).localRedisPort,
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
    await Promise.all(
      children.map(async (child) => {
        const { code: exitCode, signal } = await stopChild(child);
        logger.info({ app: child.spawnargs.at(-1), code: exitCode, signal }, "app stopped");
      }),
    );
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
  // Its own process group: a Ctrl-C reaches only this process, which stops each app once
  // (a second signal would make an app exit at once, skipping its graceful close).
  return spawn(process.execPath, ["--import", "tsx", `apps/${app}/src/main.ts`], {
    env,
    stdio: "inherit",
    detached: true,
  });
}

async function stopChild(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
