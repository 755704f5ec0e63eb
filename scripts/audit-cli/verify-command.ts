import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  AuditRetention,
  type RedisStreamAuditLog,
  verifyChain,
  verifyTrail,
} from "@deskgate/audit";
import { verifyExportedLines } from "@deskgate/audit/export";
import { runIdSchema } from "@deskgate/contracts";
import type { Redis } from "@deskgate/redis";
import { UsageError } from "./cli-redis.ts";

export const verifyUsage =
  "npm run audit -- verify <runId>… | --all | --file <exported.jsonl>  [--redis URL]";

export interface VerifyArgs {
  runIds: string[];
  all: boolean;
  file: string | undefined;
}

export function parseVerifyArgs(args: string[]): VerifyArgs {
  const { values, positionals } = parseArgs({
    args,
    options: { all: { type: "boolean", default: false }, file: { type: "string" } },
    allowPositionals: true,
  });
  const chosen = [positionals.length > 0, values.all, values.file !== undefined].filter(Boolean);
  if (chosen.length !== 1) throw new UsageError("verify takes run ids, --all or --file");
  for (const runId of positionals)
    if (!runIdSchema.safeParse(runId).success)
      throw new UsageError(`not a run id: ${JSON.stringify(runId)}`);
  return { runIds: positionals, all: values.all, file: values.file };
}

/**
 * Recomputes each trail's hash chain and screenshots; prints one line per trail ("ok" or
 * the first problem) and returns 1 if any trail does not hold. --all also checks the
 * expiry ledger. --file checks an exported copy of one run, without Redis.
 */
export async function verifyCommand(
  args: VerifyArgs,
  connect: () => Promise<{ redis: Redis; log: RedisStreamAuditLog }>,
  print: (line: string) => void,
): Promise<number> {
  if (args.file !== undefined) {
    const verdict = verifyExportedLines(readFileSync(args.file, "utf8"));
    print(
      verdict.ok
        ? `ok ${verdict.runId ?? "(empty)"}: ${verdict.records} records`
        : `FAILED ${verdict.runId}: ${verdict.problem.message}`,
    );
    return verdict.ok ? 0 : 1;
  }
  const { redis, log } = await connect();
  const runIds = args.all ? await log.runsActiveBetween() : args.runIds;
  let failed = 0;
  for (const runId of runIds) {
    const verdict = await verifyTrail(log, runId);
    if (verdict.ok && verdict.records === 0) {
      print(`FAILED ${runId}: no audit trail`);
      failed += 1;
    } else if (verdict.ok) {
      print(`ok ${runId}: ${verdict.records} records, head ${verdict.head?.hash ?? "-"}`);
    } else {
      print(`FAILED ${runId}: ${verdict.problem.message}`);
      failed += 1;
    }
  }
  if (args.all) {
    const retention = new AuditRetention({ redis });
    const ledger = verifyChain(await retention.ledger(), await retention.ledgerHead());
    print(
      ledger.ok
        ? `ok expiry ledger: ${ledger.records} records`
        : `FAILED expiry ledger: ${ledger.problem.message}`,
    );
    if (!ledger.ok) failed += 1;
  }
  return failed > 0 ? 1 : 0;
}
