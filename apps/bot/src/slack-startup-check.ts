import { AppError } from "@deskgate/core";
import { type Logger as BoltLogger, LogLevel, webApi } from "@slack/bolt";
import { classifySlackFailure } from "./slack-errors.ts";

export type SlackTokenName = "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN";

/** What to do when Slack refuses a token at start-up, per token and Slack error code. */
const tokenRemedies: Record<SlackTokenName, Record<string, string>> = {
  SLACK_BOT_TOKEN: {
    token_revoked:
      "the token was revoked; reinstall the app (OAuth & Permissions) and copy its new Bot User OAuth Token (xoxb-…)",
    default:
      "the token is wrong or no longer valid; copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page again",
  },
  SLACK_APP_TOKEN: {
    token_revoked:
      "the token was revoked; create an app-level token with connections:write (Basic Information → App-Level Tokens)",
    default:
      "the token is wrong or no longer valid; create an app-level token with connections:write (Basic Information → App-Level Tokens)",
  },
};

const tokenErrors = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "not_allowed_token_type",
  "team_disabled",
]);

/**
 * A failed start-up call to Slack as one sentence: what failed and what to check. Bolt on
 * its own retries for many seconds, logging each attempt, then dies with a raw stack.
 */
export function describeSlackStartupFailure(
  err: unknown,
  options: { apiUrl: string; tokenName: SlackTokenName },
): AppError {
  if (err instanceof AppError) return err;
  const shape = (typeof err === "object" && err !== null ? err : {}) as {
    code?: unknown;
    original?: unknown;
    statusCode?: unknown;
    data?: { error?: unknown };
  };
  if (shape.code === webApi.ErrorCode.RequestError) {
    return new AppError(
      "slack_unreachable",
      `Slack is unreachable at ${options.apiUrl} (${networkCause(shape.original)}): check this machine's network, DNS and proxy, and SLACK_API_URL`,
      { cause: err },
    );
  }
  if (shape.code === webApi.ErrorCode.HTTPError)
    return new AppError(
      "slack_unreachable",
      `Slack's API answered HTTP ${String(shape.statusCode)} at ${options.apiUrl}: check SLACK_API_URL`,
      { cause: err },
    );
  const code = typeof shape.data?.error === "string" ? shape.data.error : undefined;
  if (code && tokenErrors.has(code)) {
    const remedies = tokenRemedies[options.tokenName];
    return new AppError(
      "slack_token_refused",
      `Slack refused ${options.tokenName} (${code}): ${remedies[code] ?? remedies.default}`,
      { cause: err },
    );
  }
  return new AppError(
    "slack_start_failed",
    `Slack could not be reached with ${options.tokenName}: ${classifySlackFailure(err).description}`,
    { cause: err },
  );
}

/** The system error under the client's ("fetch failed" → its cause's ECONNREFUSED, ENOTFOUND…). */
function networkCause(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return error instanceof Error ? error.message : "no answer";
}

/**
 * One `auth.test` with the bot token, no retries, bounded: a machine that cannot reach
 * Slack, or a wrong or revoked token, stops the bot at once with one sentence.
 */
export async function checkSlackBotToken(options: {
  apiUrl: string;
  botToken: string;
  timeoutMs?: number;
}): Promise<void> {
  const client = new webApi.WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? 10_000,
    // The failure becomes one sentence below; the client's own lines would only repeat it.
    logger: silentLogger(),
  });
  await failingInOneSentence({ apiUrl: options.apiUrl, tokenName: "SLACK_BOT_TOKEN" }, () =>
    client.auth.test(),
  );
}

/** Runs a start-up step; its failure becomes describeSlackStartupFailure's sentence. */
export async function failingInOneSentence<T>(
  options: { apiUrl: string; tokenName: SlackTokenName },
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw describeSlackStartupFailure(err, options);
  }
}

function silentLogger(): BoltLogger {
  let level = LogLevel.ERROR;
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: ignore,
  };
}
