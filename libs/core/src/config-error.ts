import type { z } from "zod";

/** Every problem with the environment at once, each with what to set. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];

  constructor(appName: string, problems: readonly string[]) {
    super(
      [
        `${appName}: cannot start, the configuration has ${problems.length} problem(s):`,
        ...problems.map((p) => `  - ${p}`),
        "Set them in the environment or in .env (see .env.example).",
      ].join("\n"),
    );
    this.problems = problems;
  }
}

/** zod issues → "SLACK_BOT_TOKEN: required (the bot token, xoxb-…)". */
export function describeEnvIssues(
  error: z.ZodError,
  hints: Readonly<Record<string, string>>,
): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(environment)";
    const hint = hints[name];
    const missing = issue.code === "invalid_type" && issue.message.includes("undefined");
    const what = missing ? "required" : issue.message;
    return hint ? `${name}: ${what} (${hint})` : `${name}: ${what}`;
  });
}
