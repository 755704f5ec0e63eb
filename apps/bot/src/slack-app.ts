import { createServer, type Server } from "node:http";
import type { Logger } from "@deskgate/core";
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { BotConfig } from "./config.ts";
import { checkSlackBotToken, failingInOneSentence } from "./slack-startup-check.ts";

/** Slack allows five minutes of clock skew; Bolt rejects only old requests, so we check both ways. */
export const maxRequestSkewSeconds = 5 * 60;

export interface SlackApp {
  app: App;
  /** Connects (Socket Mode) or listens (HTTP mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** HTTP mode: the port actually bound. */
  port(): number | undefined;
}

export type SlackAppConfig = Pick<
  BotConfig,
  | "slackMode"
  | "slackBotToken"
  | "slackAppToken"
  | "slackSigningSecret"
  | "slackApiUrl"
  | "httpPort"
>;

/**
 * The Bolt app, in Socket Mode (no public URL) or HTTP mode behind a load balancer. Web API
 * retries are set explicitly: the Socket Mode client would otherwise rewrite them.
 * Nothing talks to Slack before `start()`, which first checks the bot token once, quickly
 * (`deferInitialization`: Bolt would otherwise call auth.test from its constructor and,
 * when that fails, crash the process later with an unhandled rejection).
 */
export function createSlackApp(config: SlackAppConfig, logger: Logger): SlackApp {
  const clientOptions = {
    slackApiUrl: config.slackApiUrl,
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 30_000 },
  };
  const boltLogger = pinoBoltLogger(logger.child({ component: "bolt" }));
  if (config.slackMode === "socket") {
    const app = new App({
      token: config.slackBotToken,
      appToken: config.slackAppToken!,
      socketMode: true,
      clientOptions,
      logger: boltLogger,
      deferInitialization: true,
    });
    return {
      app,
      async start() {
        await initialize(app, config);
        // The bot token passed above: what fails here is the app-level token's connection.
        await failingInOneSentence(
          { apiUrl: config.slackApiUrl, tokenName: "SLACK_APP_TOKEN" },
          () => app.start(),
        );
      },
      stop: async () => void (await app.stop()),
      port: () => undefined,
    };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.slackSigningSecret!,
    endpoints: ["/slack/events"],
    logger: boltLogger,
  });
  const app = new App({
    token: config.slackBotToken,
    receiver,
    clientOptions,
    logger: boltLogger,
    deferInitialization: true,
  });
  let server: Server | undefined;
  return {
    app,
    async start() {
      await initialize(app, config);
      server = createServer((request, response) => {
        const timestamp = Number(request.headers["x-slack-request-timestamp"]);
        if (
          !Number.isFinite(timestamp) ||
          Math.abs(Date.now() / 1000 - timestamp) > maxRequestSkewSeconds
        ) {
          response
            .writeHead(401, { "content-type": "text/plain" })
            .end("stale or missing request timestamp");
          return;
        }
        receiver.requestListener(request, response);
      });
      await new Promise<void>((resolve) => server!.listen(config.httpPort, () => resolve()));
    },
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
    port() {
      const address = server?.address();
      return typeof address === "object" && address ? address.port : undefined;
    },
  };
}

async function initialize(app: App, config: SlackAppConfig): Promise<void> {
  await checkSlackBotToken({ apiUrl: config.slackApiUrl, botToken: config.slackBotToken });
  await failingInOneSentence({ apiUrl: config.slackApiUrl, tokenName: "SLACK_BOT_TOKEN" }, () =>
    app.init(),
  );
}

/** Bolt's logger interface over pino, so Bolt's lines are structured and redacted too. */
function pinoBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const join = (msg: unknown[]) =>
    msg.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    debug: (...msg) => logger.debug({}, join(msg)),
    info: (...msg) => logger.info({}, join(msg)),
    warn: (...msg) => logger.warn({}, join(msg)),
    error: (...msg) => logger.error({}, join(msg)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
