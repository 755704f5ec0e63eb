import { pino } from "pino";

export type Logger = pino.Logger;
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * Paths whose values never reach a log line, at any depth we log them. pino's redaction
 * works on paths, so the likely shapes are listed: config objects, HTTP headers, and
 * Slack/Anthropic client options.
 */
export const redactedPaths = [
  "*.slackBotToken",
  "*.slackAppToken",
  "*.slackSigningSecret",
  "*.anthropicApiKey",
  "*.token",
  "*.appToken",
  "*.signingSecret",
  "*.apiKey",
  "*.password",
  "*.authorization",
  "*.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  '*.headers["x-api-key"]',
  '*.headers["x-slack-signature"]',
  "config.*.token",
  "config.slackBotToken",
  "config.slackAppToken",
  "config.slackSigningSecret",
  "config.anthropicApiKey",
  "slackBotToken",
  "slackAppToken",
  "slackSigningSecret",
  "anthropicApiKey",
  "token",
  "apiKey",
];

/** Token-shaped strings that may hide inside free text (an error message, a URL). */
const secretPatterns = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /sk-ant-[A-Za-z0-9_-]+/g,
];

export function scrubSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const pattern of secretPatterns) out = out.replace(pattern, "[redacted]");
  for (const secret of extraSecrets)
    if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Exact secret values (tokens, keys) to scrub from messages and error text too. */
  secrets?: readonly string[];
  /** Where lines go; defaults to stdout. Tests pass a stream to read the lines back. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? "info",
    redact: { paths: redactedPaths, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      // Secrets can also arrive as plain text (an SDK error quoting a header); scrub those.
      streamWrite: (line) => scrubSecrets(line, secrets),
    },
  };
  if (options.name !== undefined) pinoOptions.name = options.name;
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
