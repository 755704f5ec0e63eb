import {
  createApprovalBackend,
  createDeadlineWorker,
  createRunEventConsumer,
  runMetricSources,
} from "@deskgate/approvals";
import { AuditRetention, scheduleAuditRetention } from "@deskgate/audit";
import { createLogger, type Logger, runMain, ShutdownSequence } from "@deskgate/core";
import { createServiceMetrics, startHealthServer } from "@deskgate/metrics";
import { createQueueView } from "@deskgate/queue-view";
import { openServiceRedis, redisHealthCheck } from "@deskgate/redis";
import { type BotConfig, loadBotConfig } from "./config.ts";
import { createBot } from "./create-bot.ts";
import { unthrottledPostingLimits } from "./slack-budget/posting-budget.ts";

/** The bot: the only process with Slack credentials. Slack ⇄ Redis, nothing else. */
runMain(async () => {
  const config = loadBotConfig(process.env);
  const secrets = [config.slackBotToken, config.slackAppToken, config.slackSigningSecret].filter(
    (s): s is string => !!s,
  );
  const logger = createLogger({ name: "bot", level: config.logLevel, secrets });
  const shutdown = new ShutdownSequence(logger);
  shutdown.onSignals();
  // A start-up failure (Slack unreachable, a refused token) still stops a private Redis.
  await shutdown.closeOnFailure(() => start(config, logger, shutdown));
});

async function start(config: BotConfig, logger: Logger, shutdown: ShutdownSequence) {
  const connection = await openServiceRedis({
    redis: config.redis,
    port: config.localRedisPort,
    path: process.env.PATH,
    dataDir: `${config.dataDir}/redis`,
    connectionName: "deskgate-bot",
    logger,
    onClose: (name, close) => shutdown.add(name, close),
  });

  const backend = createApprovalBackend(connection, logger);
  shutdown.add("queues", () => backend.queues.close());
  const metrics = createServiceMetrics("bot", runMetricSources(backend.registry));
  const bot = createBot({
    settings: config,
    runDesk: backend.runDesk,
    redis: connection,
    logger,
    onDecided: (seconds) => metrics.decisionLatencySeconds.observe(seconds),
    ...(config.postingBudget === "off" ? { postingLimits: unthrottledPostingLimits } : {}),
  });
  await bot.slack.start();
  shutdown.add("slack", () => bot.slack.stop());
  const edits = bot.startEdits();
  shutdown.add("slack edits", () => edits.close());
  const events = createRunEventConsumer({
    connection,
    handler: bot.handleRunEvent,
    onGaveUp: bot.handleUndeliverableEvent,
    logger,
  });
  events.on("failed", (job, err) =>
    logger.error({ err, attempts: job?.attemptsMade }, "posting a run event to slack failed"),
  );
  shutdown.add("run events", () => events.close());
  const deadlines = createDeadlineWorker(connection, backend.decisions, logger);
  shutdown.add("deadlines", () => deadlines.close());
  const { trailMs, screenshotsMs } = config.auditRetention;
  if (trailMs !== undefined || screenshotsMs !== undefined) {
    const retention = new AuditRetention({ redis: connection, logger });
    shutdown.add(
      "audit retention",
      scheduleAuditRetention(retention, config.auditRetention, logger),
    );
  }

  const queueView = config.queueViewToken
    ? createQueueView({ connection, token: config.queueViewToken, basePath: "/queues" })
    : undefined;
  if (queueView) shutdown.add("queue view", () => queueView.close());
  const health = await startHealthServer({
    port: config.healthPort,
    registry: metrics.registry,
    checks: { redis: redisHealthCheck(connection) },
    logger,
    ...(queueView ? { mounts: { "/queues": queueView.handle } } : {}),
  });
  shutdown.add("health server", () => health.close());
  logger.info(
    {
      mode: config.slackMode,
      channels: config.channels,
      healthPort: health.port,
      httpPort: bot.slack.port(),
      queueView: queueView ? `http://<host>:${health.port}/queues` : "off (QUEUE_VIEW_TOKEN unset)",
    },
    "bot ready",
  );
}
