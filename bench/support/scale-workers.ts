import { readFileSync } from "node:fs";
import { createApprovalBackend } from "@deskgate/approvals";
import type { ComputerAction } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { annotatePlanScreenshot, createScreenBinding } from "@deskgate/desktop";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { parsePolicy } from "@deskgate/policy";
import { connectRedis } from "@deskgate/redis";
import { startDesktopWorker } from "../../apps/worker/src/desktop-worker.ts";
import { createScriptedRunAgent } from "../../apps/worker/src/testing/scripted-run-agent.ts";

/**
 * Many headless desktop doubles in one process, for the scale benchmarks:
 * REDIS_URL, DESKTOPS ("d-0,d-1,…"), SCREENSHOT (a PNG file every screenshot returns);
 * optionally ACTIONS (JSON: the script each run proposes; default one click), POLICY
 * (JSON; default: ask for everything) and ACTION_MS (how long each action takes).
 */
const logger = createLogger({ name: "scale-workers", level: "warn" });
const png = readFileSync(process.env.SCREENSHOT!);
const policy = parsePolicy(
  process.env.POLICY
    ? JSON.parse(process.env.POLICY)
    : { rules: [{ id: "ask", match: {}, decision: "ask" }] },
  { approvalTimeoutMs: 3_600_000 },
);
const actions = process.env.ACTIONS
  ? (JSON.parse(process.env.ACTIONS) as ComputerAction[])
  : [{ action: "left_click" as const, coordinate: [5, 5] as [number, number] }];
const actionMs = Number(process.env.ACTION_MS ?? 0);
const desktops = (process.env.DESKTOPS ?? "").split(",").filter(Boolean);
const connection = connectRedis(process.env.REDIS_URL!);
const backend = createApprovalBackend(connection, logger);
const workers: Array<{ close(): Promise<void> }> = [];
for (const desktop of desktops) {
  const computer = new RecordingComputer({ width: 1280, height: 720 }, { png });
  workers.push(
    await startDesktopWorker({
      connection,
      backend,
      desktop,
      model: "scripted",
      policy,
      computer,
      runAgent: createScriptedRunAgent({
        redis: connection,
        actions,
        computer,
        ...(actionMs > 0 ? { actionMs } : {}),
      }),
      // As the real worker does: the card image is the annotated screenshot as JPEG.
      renderApprovalImage: (shot, marks) => annotatePlanScreenshot(shot, marks, { format: "jpeg" }),
      screenBinding: createScreenBinding(),
      logger,
    }),
  );
}
process.stdout.write(`{"msg":"desktops ready","count":${workers.length}}\n`);
process.on("SIGTERM", () => {
  void Promise.all(workers.map((w) => w.close())).then(() => process.exit(0));
});
