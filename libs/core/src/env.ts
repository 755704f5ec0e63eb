import { existsSync, readFileSync } from "node:fs";
import { parse } from "dotenv";
import ms from "ms";
import { z } from "zod";

/**
 * Booleans from the environment accept only true/false/1/0: `z.coerce.boolean()` would
 * turn "false" into true.
 */
export const envBoolean = z
  .enum(["true", "false", "1", "0"], { message: "must be true, false, 1 or 0" })
  .transform((value) => value === "true" || value === "1");

const durationHint = 'must be a duration such as "30m", "90s", "2h", "30d" or "1500ms"';

/**
 * Durations in `ms`'s syntax ("30m", "90s", "2h", "1.5h", "1500ms", "2 days"; a bare number is
 * milliseconds) → milliseconds. Negative durations are refused.
 */
export const envDuration = z.string().transform((value, ctx) => {
  const parsed = parseDuration(value.trim());
  if (parsed === undefined || parsed < 0) {
    ctx.addIssue({ code: "custom", message: durationHint });
    return z.NEVER;
  }
  return Math.round(parsed);
});

function parseDuration(value: string): number | undefined {
  try {
    // ms's types accept only literal duration strings; this is the one place a runtime
    // string is handed to it. It throws on "" and answers undefined for nonsense.
    const parsed: unknown = ms(value as ms.StringValue);
    return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The values `.env.example` ships with. A copy of it left unchanged must not start a
 * service that then fails later against Slack or the model with a less clear error.
 */
const examplePlaceholders = /replace-me|change-me/i;
const exampleIds = new Set(["C0123456789", "U0123456789"]);

export function isExamplePlaceholder(value: string): boolean {
  return examplePlaceholders.test(value) || exampleIds.has(value.trim());
}

/** `schema`, refusing the placeholders `.env.example` ships with. */
export function notPlaceholder<S extends z.ZodType<string>>(schema: S) {
  return schema.refine((value) => !isExamplePlaceholder(value), {
    message: "still the placeholder from .env.example; set your own",
  });
}

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
