import { parseArgs } from "node:util";
import { RedisStreamAuditLog, toJsonLines } from "@deskgate/audit";
import { runIdSchema } from "@deskgate/contracts";
import { readEnvironment } from "@deskgate/core";
import { connectRedis, describeRedisUrl, waitForRedis } from "@deskgate/redis";

const usage = "usage: npm run audit -- <runId> [--redis redis://host:6379]";

/**
 * `npm run audit -- run_abc123`: prints a run's audit trail as JSON lines, one event per
 * line, for an operator or `jq`. Redis comes from --redis, else REDIS_URL (environment or
 * .env), else the local default. Exit 1 when the run has no trail or Redis is unreachable,
 * 2 on bad usage.
 */
async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const url = parsed.redis ?? readEnvironment(process.env).REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = connectRedis(url, { connectionName: "deskgate-audit-cli", lazyConnect: true });
  // Connection errors are reported once below; ioredis would otherwise print each retry.
  redis.on("error", () => {});
  try {
    redis.connect().catch(() => {});
    await waitForRedis(redis, 3_000);
    const records = await new RedisStreamAuditLog({ redis }).read(parsed.runId);
    if (records.length === 0) {
      console.error(`no audit trail for ${parsed.runId} in ${describeRedisUrl(url)}`);
      return 1;
    }
    process.stdout.write(toJsonLines(records));
    return 0;
  } catch (error) {
    console.error(
      `${describeRedisUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    redis.disconnect();
  }
}

function parseCommandLine(): { runId: string; redis: string | undefined } {
  const { values, positionals } = parseArgs({
    options: { redis: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error("expected exactly one run id");
  const runId = runIdSchema.safeParse(positionals[0]);
  if (!runId.success) throw new Error(`not a run id: ${JSON.stringify(positionals[0])}`);
  return { runId: runId.data, redis: values.redis };
}

// On success, exitCode rather than exit() lets a long trail drain to stdout. On failure
// nothing is pending but ioredis's reconnect timer, which would hold the process ~2 s.
main().then((code) => {
  if (code === 0) process.exitCode = 0;
  else process.exit(code);
});
