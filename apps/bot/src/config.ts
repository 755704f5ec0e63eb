import {
  ConfigError,
  envBoolean,
  envDuration,
  envList,
  loadEnvConfig,
  notPlaceholder,
  readEnvironment,
} from "@deskgate/core";
import {
  redisEnvFields,
  redisEnvHints,
  redisSettingsProblems,
  redisTopologyOf,
} from "@deskgate/redis";
import { z } from "zod";
import { desktopRouteSchema } from "./channels/desktop-channels.ts";

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
const port = z.coerce.number().int().min(0).max(65_535);

/** Socket Mode unless HTTP is asked for, or only a signing secret is given. */
function slackMode(env: {
  SLACK_MODE?: "socket" | "http" | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_SIGNING_SECRET?: string | undefined;
}) {
  if (env.SLACK_MODE) return env.SLACK_MODE;
  return env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN ? ("http" as const) : ("socket" as const);
}

const botEnvSchema = z
  .object({
    SLACK_BOT_TOKEN: notPlaceholder(z.string().startsWith("xoxb-", "must be a bot token (xoxb-…)")),
    SLACK_APP_TOKEN: notPlaceholder(
      z.string().startsWith("xapp-", "must be an app-level token (xapp-…)"),
    ).optional(),
    SLACK_SIGNING_SECRET: notPlaceholder(z.string().min(8)).optional(),
    SLACK_MODE: z.enum(["socket", "http"]).optional(),
    SLACK_API_URL: z.url().default("https://slack.com/api/"),
    SLACK_CHANNELS: envList.pipe(
      z
        .array(notPlaceholder(z.string().regex(/^[CG][A-Z0-9]+$/, "channel ids look like C0123…")))
        .min(1),
    ),
    SLACK_POSTING_BUDGET: z.enum(["published", "off"]).default("published"),
    SLACK_DESKTOP_CHANNELS: envList.pipe(z.array(desktopRouteSchema)).default([]),
    SLACK_APPROVERS: envList.pipe(
      z
        .array(
          notPlaceholder(
            z.string().regex(/^[UWS][A-Z0-9]+$/, "user ids (U…/W…) or user group ids (S…)"),
          ),
        )
        .min(1),
    ),
    REQUIRE_SECOND_APPROVER: envBoolean.default(false),
    HTTP_PORT: port.default(3000),
    BOT_HEALTH_PORT: port.default(9101),
    QUEUE_VIEW_TOKEN: notPlaceholder(z.string().min(16, "at least 16 characters")).optional(),
    DESKTOP_VIEW_URL: z.url().optional(),
    ...redisEnvFields,
    LOCAL_REDIS_PORT: z.coerce.number().int().min(1).max(65_535).default(6379),
    APPROVAL_TIMEOUT: envDuration.default(30 * 60_000),
    POLICY_FILE: z.string().min(1).optional(),
    LOG_LEVEL: logLevel.default("info"),
    DATA_DIR: z.string().min(1).default("data"),
    AUDIT_RETENTION: envDuration.optional(),
    AUDIT_SCREENSHOT_RETENTION: envDuration.optional(),
  })
  .transform((env) => ({
    slackBotToken: env.SLACK_BOT_TOKEN,
    slackAppToken: env.SLACK_APP_TOKEN,
    slackSigningSecret: env.SLACK_SIGNING_SECRET,
    slackMode: slackMode(env),
    slackApiUrl: env.SLACK_API_URL.endsWith("/") ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
    channels: env.SLACK_CHANNELS,
    desktopChannels: env.SLACK_DESKTOP_CHANNELS,
    postingBudget: env.SLACK_POSTING_BUDGET,
    approvers: env.SLACK_APPROVERS,
    requireSecondApprover: env.REQUIRE_SECOND_APPROVER,
    httpPort: env.HTTP_PORT,
    healthPort: env.BOT_HEALTH_PORT,
    queueViewToken: env.QUEUE_VIEW_TOKEN,
    desktopViewUrl: env.DESKTOP_VIEW_URL,
    redis: redisTopologyOf(env),
    localRedisPort: env.LOCAL_REDIS_PORT,
    approvalTimeoutMs: env.APPROVAL_TIMEOUT,
    policyFile: env.POLICY_FILE,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    auditRetention: {
      trailMs: env.AUDIT_RETENTION,
      screenshotsMs: env.AUDIT_SCREENSHOT_RETENTION,
    },
  }));

export type BotConfig = z.output<typeof botEnvSchema>;

const hints: Record<string, string> = {
  ...redisEnvHints,
  SLACK_BOT_TOKEN: "the bot token from OAuth & Permissions, xoxb-…",
  SLACK_APP_TOKEN: "an app-level token with connections:write, xapp-…",
  SLACK_SIGNING_SECRET: "Basic Information → Signing Secret",
  SLACK_CHANNELS: "channel ids where /agent start is allowed, comma-separated",
  SLACK_POSTING_BUDGET:
    "published (keep to Slack's rate limits, the default) or off (only against a Slack double that does not throttle)",
  SLACK_DESKTOP_CHANNELS:
    "desktop=channel or prefix*=channel, comma-separated: the approval channel of a desktop's runs",
  SLACK_APPROVERS: "user ids and/or user group ids who may approve, comma-separated",
  QUEUE_VIEW_TOKEN:
    "the password of the queue view at /queues on BOT_HEALTH_PORT, e.g. `openssl rand -hex 24`",
};

/**
 * Reads the bot's settings from `env` (and `.env` beneath it, minus any Anthropic variable:
 * the bot never talks to the model). Throws ConfigError listing every problem.
 */
export function loadBotConfig(env: NodeJS.ProcessEnv, envFile?: string): BotConfig {
  const environment = readEnvironment(env, envFile, { ignoreFromFile: ["ANTHROPIC_"] });
  // Checked beside the schema so these appear in the same list as every other problem.
  return loadEnvConfig("bot", botEnvSchema, environment, hints, [
    ...slackModeProblems(environment),
    ...redisSettingsProblems(environment),
  ]) as BotConfig;
}

function slackModeProblems(env: Record<string, string | undefined>): string[] {
  const mode =
    env.SLACK_MODE === "socket" || env.SLACK_MODE === "http" ? env.SLACK_MODE : undefined;
  const resolved = slackMode({
    SLACK_MODE: mode,
    SLACK_APP_TOKEN: env.SLACK_APP_TOKEN,
    SLACK_SIGNING_SECRET: env.SLACK_SIGNING_SECRET,
  });
  if (resolved === "socket" && !env.SLACK_APP_TOKEN) {
    return [
      `SLACK_APP_TOKEN: required in Socket Mode, the default (${hints.SLACK_APP_TOKEN}); or set SLACK_MODE=http and SLACK_SIGNING_SECRET`,
    ];
  }
  if (resolved === "http" && !env.SLACK_SIGNING_SECRET) {
    return [`SLACK_SIGNING_SECRET: required in HTTP mode (${hints.SLACK_SIGNING_SECRET})`];
  }
  return [];
}
