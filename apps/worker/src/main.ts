import { createAnthropicModel } from "@deskgate/agent";
import { createApprovalBackend, runMetricSources } from "@deskgate/approvals";
import { AppError, ConfigError, createLogger, runMain, ShutdownSequence } from "@deskgate/core";
import {
  annotateScreenshot,
  createNutComputer,
  screenDifference,
  settlingComputer,
} from "@deskgate/desktop";
import { createServiceMetrics, startHealthServer } from "@deskgate/metrics";
import { defaultPolicy, loadPolicyFile, type Policy } from "@deskgate/policy";
import { openServiceRedis, redisHealthCheck } from "@deskgate/redis";
import { loadWorkerConfig, type WorkerConfig } from "./config.ts";
import { startDesktopWorker } from "./desktop-worker.ts";
import { createClaudeRunAgent } from "./handlers/claude-run-agent.ts";

/** The worker: one desktop, the Claude loop, the gate. Holds the Anthropic key, never Slack's. */
runMain(async () => {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger({
    name: "worker",
    level: config.logLevel,
    secrets: [config.anthropicApiKey],
  });
  const policy = loadPolicy(config);
  const shutdown = new ShutdownSequence(logger);
  shutdown.onSignals();

  const connection = await openServiceRedis({
    redis: config.redis,
    path: process.env.PATH,
    dataDir: `${config.dataDir}/redis`,
    connectionName: `deskgate-worker-${config.workerName}`,
    logger,
    onClose: (name, close) => shutdown.add(name, close),
  });

  const computer = settlingComputer(await createNutComputer({ display: config.display, logger }), {
    maxMs: config.screenSettleMaxMs,
    difference: screenDifference,
  });
  shutdown.add("desktop", () => computer.close());
  const model = createAnthropicModel({
    apiKey: config.anthropicApiKey,
    baseURL: config.anthropicBaseUrl,
    model: config.anthropicModel,
    logger,
  });
  const backend = createApprovalBackend(connection, logger);
  shutdown.add("queues", () => backend.queues.close());
  const metrics = createServiceMetrics("worker", runMetricSources(backend.registry));
  const worker = await startDesktopWorker({
    connection,
    backend,
    desktop: config.workerName,
    model: config.anthropicModel,
    policy,
    computer,
    runAgent: createClaudeRunAgent({
      backend,
      model,
      computer,
      limits: config.limits,
      ...(config.desktopNotes ? { desktopNotes: config.desktopNotes } : {}),
      onActionOutcome: (outcome) => metrics.actionsTotal.inc({ outcome }),
    }),
    renderApprovalImage: (screenshot, action) =>
      annotateScreenshot(screenshot, action, { format: "jpeg" }),
    screenDifference,
    screenChangeThreshold: config.screenChangeThreshold,
    logger,
  });
  shutdown.add("queue workers", () => worker.close());

  const health = await startHealthServer({
    port: config.healthPort,
    registry: metrics.registry,
    checks: { redis: redisHealthCheck(connection) },
    logger,
  });
  shutdown.add("health server", () => health.close());
  logger.info(
    {
      desktop: config.workerName,
      model: config.anthropicModel,
      tool: model.tool.type,
      screen: computer.modelScreen(),
      healthPort: health.port,
    },
    "worker ready",
  );
});

/** A policy the worker cannot read stops it at start, with the file's problems listed. */
function loadPolicy(config: WorkerConfig): Policy {
  const options = { approvalTimeoutMs: config.approvalTimeoutMs };
  if (!config.policyFile) return defaultPolicy(options);
  try {
    return loadPolicyFile(config.policyFile, options);
  } catch (err) {
    if (err instanceof AppError && err.code === "policy_invalid")
      throw new ConfigError("worker", [`POLICY_FILE: ${err.message}`]);
    throw err;
  }
}
