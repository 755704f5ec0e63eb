import type { z } from "zod";
import { ConfigError, describeEnvIssues } from "./config-error.ts";

/**
 * Parses the environment with an app's schema. All problems are reported at once as a
 * ConfigError (exit 2 via runMain), with `moreProblems` (settings checked together, outside
 * the schema) in the same list; `hints` say, per variable, what to set.
 */
export function loadEnvConfig<S extends z.ZodType>(
  appName: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  hints: Readonly<Record<string, string>>,
  moreProblems: readonly string[] = [],
): Readonly<z.output<S>> {
  const parsed = schema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : describeEnvIssues(parsed.error, hints)),
    ...moreProblems,
  ];
  if (problems.length > 0 || !parsed.success) throw new ConfigError(appName, problems);
  return Object.freeze(parsed.data);
}
