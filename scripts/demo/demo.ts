import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, ShutdownSequence } from "@deskgate/core";
import { freePort, startPrivateRedis } from "@deskgate/redis/testing";
import { type FakeAnthropic, startFakeAnthropic } from "@deskgate/test-support/fake-anthropic";
import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { freeDisplayNumber } from "@deskgate/test-support/xvfb-display";
import which from "which";
import { defaultModel } from "../../apps/worker/src/config.ts";
import { botProcess, desktopScriptProcess, workerProcess } from "../../e2e/app-processes.ts";
import type { DemoPageInfo } from "./demo-page.ts";
import { scriptedTask } from "./scripted-task.ts";
import { startSlackStandIn } from "./slack-stand-in.ts";

const channelId = "C0DEMO";
const userId = "U0DEMO";
const scriptedKey = "demo-scripted-model-key";

/**
 * `npm run demo`: the real bot and the real worker against a local stand-in for Slack (the
 * fake Slack from libs/test-support, shown as a page), with a private Redis. The model is
 * the real one when ANTHROPIC_API_KEY is set, else the fake Messages API playing a script.
 * The worker drives $DISPLAY when set, else a desktop started for the demo (Xvfb, openbox
 * and a noVNC live view when x11vnc and websockify are installed).
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ name: "demo", level: "warn" });
  const shutdown = new ShutdownSequence(logger);
  shutdown.onSignals();
  try {
    await shutdown.closeOnFailure(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "deskgate-demo-"));
      shutdown.add("data", async () => rmSync(dataDir, { recursive: true, force: true }));
      const redis = await startPrivateRedis();
      shutdown.add("redis", () => redis.dispose());
      const slack = await new FakeSlack().start();
      shutdown.add("slack stand-in", () => slack.close());
      const apps = await startApps({ env, dataDir, redisUrl: redis.url, slack, shutdown });
      const standIn = await startSlackStandIn({
        slack,
        channelId,
        userId,
        port: Number(env.DEMO_PORT ?? 8090),
        page: apps.page,
      });
      shutdown.add("page", () => standIn.close());
      process.stdout.write(readyMessage(standIn.url, apps.page));
    });
  } catch (err) {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/** The model (real or scripted), the bot and the worker on its desktop, all ready. */
async function startApps(options: {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  redisUrl: string;
  slack: FakeSlack;
  shutdown: ShutdownSequence;
}): Promise<{ page: DemoPageInfo }> {
  const { env, shutdown } = options;
  const apiKey = env.ANTHROPIC_API_KEY || undefined;
  let model: FakeAnthropic | undefined;
  if (!apiKey) {
    model = await startFakeAnthropic({ apiKey: scriptedKey, script: scriptedTask() });
    shutdown.add("scripted model", () => model!.close());
  }
  const queueViewToken = randomBytes(12).toString("hex");
  const bot = botProcess({
    redisUrl: options.redisUrl,
    slack: options.slack,
    logLevel: "info",
    env: {
      DATA_DIR: options.dataDir,
      SLACK_CHANNELS: channelId,
      SLACK_APPROVERS: userId,
      QUEUE_VIEW_TOKEN: queueViewToken,
    },
  }).start();
  shutdown.add("bot", () => bot.stop());
  const desktop = await startDesktop(env.DISPLAY, {
    HOME: env.HOME ?? "/tmp",
    REDIS_URL: options.redisUrl,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: "info",
    ANTHROPIC_API_KEY: apiKey ?? scriptedKey,
    ...(model ? { ANTHROPIC_BASE_URL: model.baseURL } : {}),
    ...(env.ANTHROPIC_MODEL ? { ANTHROPIC_MODEL: env.ANTHROPIC_MODEL } : {}),
    WORKER_NAME: "demo-desktop",
    WORKER_HEALTH_PORT: "0",
  });
  shutdown.add("desktop", () => desktop.process.stop());
  const [botReady] = await Promise.all([
    bot.waitForLine(/"msg":"bot ready"/, 60_000),
    desktop.process.waitForLine(/"msg":"worker ready"/, 60_000),
  ]);
  const healthPort = /"healthPort":(\d+)/.exec(botReady)?.[1];
  return {
    page: {
      model: apiKey
        ? { kind: "real", name: env.ANTHROPIC_MODEL || defaultModel }
        : { kind: "scripted" },
      display: { name: desktop.display, startedForDemo: desktop.startedForDemo },
      ...(desktop.liveViewUrl ? { liveViewUrl: desktop.liveViewUrl } : {}),
      queueView: { url: `http://127.0.0.1:${healthPort}/queues`, token: queueViewToken },
      suggestedCommand: "/agent start open a terminal and print a greeting and the date",
    },
  };
}

function readyMessage(url: string, page: DemoPageInfo): string {
  return [
    "",
    `deskgate demo ready: open ${url}`,
    `  model: ${page.model.kind === "real" ? `${page.model.name} (ANTHROPIC_API_KEY)` : "scripted (no ANTHROPIC_API_KEY)"}`,
    `  desktop: display ${page.display.name}${page.display.startedForDemo ? " (started for the demo)" : ""}`,
    ...(page.queueView
      ? [`  queue view: ${page.queueView.url} (any user name, password ${page.queueView.token})`]
      : []),
    "  Ctrl-C stops everything.",
    "",
  ].join("\n");
}

async function startDesktop(display: string | undefined, workerEnv: NodeJS.ProcessEnv) {
  if (display) {
    return {
      process: workerProcess({ ...workerEnv, DISPLAY: display }).start(),
      display,
      startedForDemo: false,
      liveViewUrl: undefined,
    };
  }
  const own = `:${freeDisplayNumber()}`;
  const canView =
    !!which.sync("x11vnc", { nothrow: true }) &&
    !!which.sync("websockify", { nothrow: true }) &&
    existsSync("/usr/share/novnc/vnc.html");
  const password = randomBytes(6).toString("hex");
  const novncPort = await freePort();
  const view = canView
    ? { VNC_PASSWORD: password, NOVNC_PORT: String(novncPort), VNC_PORT: String(await freePort()) }
    : {};
  return {
    process: desktopScriptProcess({
      ...workerEnv,
      DISPLAY: own,
      SCREEN_SIZE: "1280x800",
      ...view,
    }).start(),
    display: own,
    startedForDemo: true,
    liveViewUrl: canView
      ? `http://127.0.0.1:${novncPort}/vnc.html?autoconnect=1&resize=scale&view_only=1&password=${password}`
      : undefined,
  };
}

void main();
