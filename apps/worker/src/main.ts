import { createAnthropicModel, createAnthropicRiskJudge } from "@deskgate/agent";
import { createApprovalBackend, runMetricSources } from "@deskgate/approvals";
import {
  AppError,
  ConfigError,
  createLogger,
  type Logger,
  runMain,
  ShutdownSequence,
} from "@deskgate/core";
import {
  annotatePlanScreenshot,
  createNutComputer,
  createScreenBinding,
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
  // A start-up failure (no display, say) still stops a private Redis.
  await shutdown.closeOnFailure(() => start(config, policy, logger, shutdown));
});

async function start(
  config: WorkerConfig,
  policy: Policy,
  logger: Logger,
  shutdown: ShutdownSequence,
): Promise<void> {
  const connection = await openServiceRedis({
    redis: config.redis,
    port: config.localRedisPort,
    path: process.env.PATH,
    dataDir: `${config.dataDir}/redis`,
    connectionName: `deskgate-worker-${config.workerName}`,
    logger,
    onClose: (name, close) => shutdown.add(name, close),
  });

  const model = createAnthropicModel({
    apiKey: config.anthropicApiKey,
    baseURL: config.anthropicBaseUrl,
    model: config.anthropicModel,
    thinking: config.anthropicThinking,
    logger,
  });
  const computer = settlingComputer(
    // Screenshots fit the model's image limits (its row of the tool table).
    await createNutComputer({ display: config.display, logger, imageLimits: model.images }),
    {
      maxMs: config.screenSettleMaxMs,
      difference: screenDifference,
    },
  );
  shutdown.add("desktop", () => computer.close());
  // A worker that died mid-action (hold_key ctrl) leaves its keys down on the display.
  await computer.releaseAllInput();
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
    renderApprovalImage: (screenshot, marks) =>
      annotatePlanScreenshot(screenshot, marks, { format: "jpeg" }),
    riskJudge: config.riskJudge
      ? createAnthropicRiskJudge({
          apiKey: config.anthropicApiKey,
          baseURL: config.anthropicBaseUrl,
          model: config.riskJudge.model,
          timeoutMs: config.riskJudge.timeoutMs,
        })
      : undefined,
    screenBinding: createScreenBinding({
      wholeScreen: config.screenChangeThreshold,
      aroundTarget: config.screenChangeNearTarget,
    }),
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
}

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
