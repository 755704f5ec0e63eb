import { envDuration, loadEnvConfig, notPlaceholder, readEnvironment } from "@deskgate/core";
import {
  redisEnvFields,
  redisEnvHints,
  redisSettingsProblems,
  redisTopologyOf,
} from "@deskgate/redis";
import { z } from "zod";

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
const positiveInt = z.coerce.number().int().positive();

/** The newest model the computer tool table knows; see libs/agent/README.md. */
export const defaultModel = "claude-sonnet-4-6";

const workerEnvSchema = z
  .object({
    ANTHROPIC_API_KEY: notPlaceholder(z.string().min(1)),
    ANTHROPIC_BASE_URL: z.url().optional(),
    ANTHROPIC_MODEL: z.string().min(1).default(defaultModel),
    ANTHROPIC_THINKING: z.enum(["auto", "off"]).default("auto"),
    RISK_JUDGE_MODEL: z.string().min(1).max(100).optional(),
    RISK_JUDGE_TIMEOUT: envDuration.default(15_000),
    WORKER_NAME: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lower-case letters, digits and '-', at most 40")
      .default("desktop-1"),
    DISPLAY: z.string().regex(/^[\w.-]*:\d+(\.\d+)?$/, 'must look like ":0" or "host:1"'),
    ...redisEnvFields,
    LOCAL_REDIS_PORT: z.coerce.number().int().min(1).max(65_535).default(6379),
    APPROVAL_TIMEOUT: envDuration.default(30 * 60_000),
    POLICY_FILE: z.string().min(1).optional(),
    LOG_LEVEL: logLevel.default("info"),
    MAX_STEPS: positiveInt.default(100),
    MAX_RUN_TIME: envDuration.default(4 * 3_600_000),
    MAX_RUN_TOKENS: positiveInt.default(2_000_000),
    SCREENSHOTS_IN_CONTEXT: positiveInt.default(3),
    SCREEN_CHANGE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.02),
    SCREEN_CHANGE_NEAR_TARGET: z.coerce.number().min(0).max(1).default(0.005),
    SCREEN_SETTLE_MAX: envDuration.default(3_000),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(9102),
    DATA_DIR: z.string().min(1).default("data"),
    DESKTOP_NOTES: z.string().max(2_000).optional(),
  })
  .transform((env) => ({
    anthropicApiKey: env.ANTHROPIC_API_KEY,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
    anthropicModel: env.ANTHROPIC_MODEL,
    anthropicThinking: env.ANTHROPIC_THINKING,
    riskJudge: env.RISK_JUDGE_MODEL
      ? { model: env.RISK_JUDGE_MODEL, timeoutMs: env.RISK_JUDGE_TIMEOUT }
      : undefined,
    workerName: env.WORKER_NAME,
    display: env.DISPLAY,
    redis: redisTopologyOf(env),
    localRedisPort: env.LOCAL_REDIS_PORT,
    approvalTimeoutMs: env.APPROVAL_TIMEOUT,
    policyFile: env.POLICY_FILE,
    logLevel: env.LOG_LEVEL,
    limits: {
      maxSteps: env.MAX_STEPS,
      maxWallMs: env.MAX_RUN_TIME,
      maxTokens: env.MAX_RUN_TOKENS,
      keepScreenshots: env.SCREENSHOTS_IN_CONTEXT,
    },
    screenChangeThreshold: env.SCREEN_CHANGE_THRESHOLD,
    screenChangeNearTarget: env.SCREEN_CHANGE_NEAR_TARGET,
    screenSettleMaxMs: env.SCREEN_SETTLE_MAX,
    healthPort: env.WORKER_HEALTH_PORT,
    dataDir: env.DATA_DIR,
    desktopNotes: env.DESKTOP_NOTES,
  }));

export type WorkerConfig = z.output<typeof workerEnvSchema>;

const hints: Record<string, string> = {
  ANTHROPIC_API_KEY: "the Anthropic API key the worker calls the model with",
  ANTHROPIC_BASE_URL: "a proxy or gateway in front of the Messages API",
  RISK_JUDGE_MODEL:
    "a small model that may raise a card's risk from its screenshot (off when unset)",
  DISPLAY: "the X display the worker drives, e.g. :0 or :99 under Xvfb",
  WORKER_NAME: "this desktop's name, used by `/agent start --desktop NAME`",
  ...redisEnvHints,
  APPROVAL_TIMEOUT: "how long a request waits for a decision, e.g. 30m",
};

/**
 * Reads the worker's settings from `env` (and `.env` beneath it, minus any Slack variable:
 * the desktop machine never holds Slack credentials). Throws ConfigError.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv, envFile?: string): WorkerConfig {
  const environment = readEnvironment(env, envFile, { ignoreFromFile: ["SLACK_"] });
  return loadEnvConfig(
    "worker",
    workerEnvSchema,
    environment,
    hints,
    redisSettingsProblems(environment),
  ) as WorkerConfig;
}
