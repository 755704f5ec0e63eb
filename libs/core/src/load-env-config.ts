import type { z } from "zod";
import { ConfigError, describeEnvIssues } from "./config-error.ts";

/**
 * Parses the environment with an app's schema. All problems are reported at once as a
 * ConfigError (exit 2 via runMain); `hints` say, per variable, what to set.
 */
export function loadEnvConfig<S extends z.ZodType>(
  appName: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  hints: Readonly<Record<string, string>>,
): Readonly<z.output<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(appName, describeEnvIssues(parsed.error, hints));
  return Object.freeze(parsed.data);
}
