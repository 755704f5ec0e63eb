import { parseArgs } from "node:util";
import { AuditRetention, type AuditRetentionPolicy } from "@deskgate/audit";
import { envDuration, readEnvironment } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { UsageError } from "./cli-redis.ts";

export const expireUsage =
  "npm run audit -- expire [--trails 365d] [--screenshots 30d] [--redis URL]\n" +
  "    (defaults: AUDIT_RETENTION and AUDIT_SCREENSHOT_RETENTION)";

export function parseExpireArgs(args: string[]): AuditRetentionPolicy {
  const { values } = parseArgs({
    args,
    options: { trails: { type: "string" }, screenshots: { type: "string" } },
  });
  const env = readEnvironment(process.env);
  const policy = {
    trailMs: duration("--trails", values.trails ?? env.AUDIT_RETENTION),
    screenshotsMs: duration("--screenshots", values.screenshots ?? env.AUDIT_SCREENSHOT_RETENTION),
  };
  if (policy.trailMs === undefined && policy.screenshotsMs === undefined)
    throw new UsageError(
      "nothing to expire: give --trails or --screenshots (or set AUDIT_RETENTION)",
    );
  return policy;
}

/** One retention sweep, as the bot runs it hourly. */
export async function expireCommand(
  policy: AuditRetentionPolicy,
  redis: Redis,
  report: (line: string) => void,
): Promise<number> {
  const result = await new AuditRetention({ redis }).sweep(policy);
  report(
    `expired the screenshots of ${result.screenshots} runs and the trails of ${result.trails} runs`,
  );
  return 0;
}

function duration(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = envDuration.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
