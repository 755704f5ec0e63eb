import { existsSync, readFileSync } from "node:fs";
import { parse } from "dotenv";
import { z } from "zod";

/**
 * Booleans from the environment accept only true/false/1/0: `z.coerce.boolean()` would
 * turn "false" into true.
 */
export const envBoolean = z
  .enum(["true", "false", "1", "0"], { message: "must be true, false, 1 or 0" })
  .transform((value) => value === "true" || value === "1");

/** Durations like "30m", "90s", "2h", "30d", "1500ms" or plain milliseconds. */
export const envDuration = z.string().transform((value, ctx) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({
      code: "custom",
      message: 'must be a duration such as "30m", "90s", "30d" or "1500ms"',
    });
    return z.NEVER;
  }
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (match[2] ?? "ms") as "ms" | "s" | "m" | "h" | "d"
  ];
  return Math.round(Number(match[1]) * unit);
});

/** A comma-separated list; empty entries dropped. */
export const envList = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/**
 * The process environment with `.env` underneath it (real environment variables win).
 * Returns a new object; never writes to `process.env`. `ignoreFromFile` drops variables
 * by prefix from the file, so one app never even reads the other app's secrets.
 */
export function readEnvironment(
  env: NodeJS.ProcessEnv,
  envFile: string | undefined = ".env",
  options: { ignoreFromFile?: readonly string[] } = {},
): Record<string, string | undefined> {
  const fromFile = envFile && existsSync(envFile) ? parse(readFileSync(envFile)) : {};
  const ignored = options.ignoreFromFile ?? [];
  const merged: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(fromFile)) {
    if (!ignored.some((prefix) => key.startsWith(prefix))) merged[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  // An empty assignment in .env (`SLACK_SIGNING_SECRET=`) means "not set".
  for (const [key, value] of Object.entries(merged)) if (value === "") delete merged[key];
  return merged;
}
