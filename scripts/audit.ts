import { parseArgs } from "node:util";
import { RedisStreamAuditLog } from "@deskgate/audit";
import { toExportLine, toExportRecord } from "@deskgate/audit/export";
import { runIdSchema } from "@deskgate/contracts";
import type { Redis } from "@deskgate/redis";
import { cliRedisTopology, connectCliRedis, UsageError } from "./audit-cli/cli-redis.ts";
import { expireCommand, expireUsage, parseExpireArgs } from "./audit-cli/expire-command.ts";
import { exportCommand, exportUsage, parseExportArgs } from "./audit-cli/export-command.ts";
import { parseVerifyArgs, verifyCommand, verifyUsage } from "./audit-cli/verify-command.ts";

const usage = [
  "usage: npm run audit -- <runId> [--redis URL]        print a run's trail as JSON lines",
  `       ${verifyUsage}`,
  `       ${exportUsage}`,
  `       ${expireUsage}`,
].join("\n");

/**
 * `npm run audit -- …`: print, verify, export or expire audit trails (docs/AUDIT.md). Redis
 * comes from --redis, else the apps' settings (environment or .env), else the local
 * default. Exit 1 when a trail is missing or does not verify, or Redis is unreachable; 2 on
 * bad usage.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { values: common, tokens } = parseArgs({
    args: argv,
    options: { redis: { type: "string" } },
    strict: false,
    tokens: true,
  });
  const rest = argv.filter((_, index) => !redisArgIndexes(tokens).has(index));
  const [command, ...args] = rest;
  let redis: Redis | undefined;
  const connect = async () => {
    redis ??= await connectCliRedis(cliRedisTopology(common.redis as string | undefined));
    return { redis, log: new RedisStreamAuditLog({ redis }) };
  };
  try {
    switch (command) {
      case "verify": {
        const parsed = parseVerifyArgs(args);
        return await verifyCommand(parsed, connect, (line) => process.stdout.write(`${line}\n`));
      }
      case "export": {
        const parsed = parseExportArgs(args);
        return await exportCommand(parsed, (await connect()).log, (line) => console.error(line));
      }
      case "expire": {
        const policy = parseExpireArgs(args);
        return await expireCommand(policy, (await connect()).redis, (line) => console.error(line));
      }
      default:
        return await printTrail(rest, connect);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      console.error(`${message}\n${usage}`);
      return 2;
    }
    console.error(message);
    return 1;
  } finally {
    redis?.disconnect();
  }
}

async function printTrail(
  positionals: string[],
  connect: () => Promise<{ log: RedisStreamAuditLog }>,
): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("expected exactly one run id or a command");
  const runId = runIdSchema.safeParse(positionals[0]);
  if (!runId.success) throw new UsageError(`not a run id: ${JSON.stringify(positionals[0])}`);
  const records = await (await connect()).log.read(runId.data);
  if (records.length === 0) {
    console.error(`no audit trail for ${runId.data}`);
    return 1;
  }
  process.stdout.write(records.map((record) => toExportLine(toExportRecord(record))).join(""));
  return 0;
}

/** The argv positions of --redis and its value, which every command takes. */
function redisArgIndexes(tokens: ReturnType<typeof parseArgs>["tokens"]): Set<number> {
  const indexes = new Set<number>();
  for (const token of tokens ?? []) {
    if (token.kind !== "option" || token.name !== "redis") continue;
    indexes.add(token.index);
    if (!token.inlineValue && token.value !== undefined) indexes.add(token.index + 1);
  }
  return indexes;
}

// On success, exitCode rather than exit() lets a long trail drain to stdout. On failure
// nothing is pending but ioredis's reconnect timer, which would hold the process ~2 s.
main().then((code) => {
  if (code === 0) process.exitCode = 0;
  else process.exit(code);
});
