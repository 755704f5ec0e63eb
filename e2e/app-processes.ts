import { resolve } from "node:path";
import { AppProcess } from "@deskgate/test-support/app-process";
import type { FakeSlack } from "@deskgate/test-support/fake-slack";

export const repoRoot = resolve(import.meta.dirname, "..");

/** The real bot (apps/bot/src/main.ts) as a process, talking to a fake Slack over Socket Mode. */
export function botProcess(options: {
  redisUrl: string;
  slack: FakeSlack;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  /** Names the process in its output (two replicas: "bot-1", "bot-2"). */
  label?: string;
}): AppProcess {
  return new AppProcess({
    command: process.execPath,
    args: ["--import", "tsx", "apps/bot/src/main.ts"],
    cwd: repoRoot,
    label: options.label ?? "bot",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      REDIS_URL: options.redisUrl,
      SLACK_BOT_TOKEN: options.slack.botToken,
      SLACK_APP_TOKEN: options.slack.appToken,
      SLACK_API_URL: options.slack.apiUrl,
      SLACK_CHANNELS: "C0RUNS",
      SLACK_APPROVERS: "U0BOB",
      BOT_HEALTH_PORT: "0",
      LOG_LEVEL: options.logLevel ?? "info",
      ...options.env,
    },
  });
}

/** The real worker (apps/worker/src/main.ts) as a process; `env` is all it gets besides PATH. */
export function workerProcess(env: NodeJS.ProcessEnv): AppProcess {
  return new AppProcess({
    command: process.execPath,
    args: ["--import", "tsx", "apps/worker/src/main.ts"],
    cwd: repoRoot,
    label: "worker",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
}

/**
 * infra/desktop/start-desktop.sh as a process: Xvfb, openbox, optionally noVNC, then the
 * worker (or WORKER_COMMAND). `env` is all it gets besides PATH: nothing else leaks in.
 */
export function desktopScriptProcess(env: NodeJS.ProcessEnv): AppProcess {
  return new AppProcess({
    command: "bash",
    args: ["infra/desktop/start-desktop.sh"],
    cwd: repoRoot,
    label: "desktop",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
}
