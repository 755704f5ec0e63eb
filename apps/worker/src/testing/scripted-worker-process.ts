import { createApprovalBackend } from "@deskgate/approvals";
import type { ComputerAction } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { createScreenBinding } from "@deskgate/desktop";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { parsePolicy } from "@deskgate/policy";
import { connectRedis } from "@deskgate/redis";
import { startDesktopWorker } from "../desktop-worker.ts";
import { createScriptedRunAgent } from "./scripted-run-agent.ts";

/**
 * A worker process with a scripted agent, for tests that kill and restart it:
 * REDIS_URL, DESKTOP, ACTIONS (JSON list of computer actions).
 */
const logger = createLogger({ name: "scripted-worker", level: "info" });
const connection = connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const actions = JSON.parse(process.env.ACTIONS ?? "[]") as ComputerAction[];
const computer = new RecordingComputer();
const worker = await startDesktopWorker({
  connection,
  backend: createApprovalBackend(connection, logger),
  desktop: process.env.DESKTOP ?? "desk-a",
  model: "scripted",
  policy: parsePolicy(
    { rules: [{ id: "ask-all", match: {}, decision: "ask" }] },
    { approvalTimeoutMs: 3_600_000 },
  ),
  computer,
  runAgent: createScriptedRunAgent({ redis: connection, actions, computer }),
  renderApprovalImage: async (shot) => shot.png,
  screenBinding: createScreenBinding(),
  logger,
  // A worker killed mid-step leaves its job locked; a short lock lets the restart take it soon.
  lockDurationMs: Number(process.env.LOCK_MS ?? 2_000),
});
logger.info({ pid: process.pid }, "scripted worker ready");
process.on("SIGTERM", () => {
  void worker.close().then(() => {
    connection.disconnect();
    process.exit(0);
  });
});
