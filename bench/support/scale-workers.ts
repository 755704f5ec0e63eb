import { readFileSync } from "node:fs";
import { createApprovalBackend } from "@deskgate/approvals";
import { createLogger } from "@deskgate/core";
import { annotatePlanScreenshot, createScreenBinding } from "@deskgate/desktop";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { parsePolicy } from "@deskgate/policy";
import { connectRedis } from "@deskgate/redis";
import { startDesktopWorker } from "../../apps/worker/src/desktop-worker.ts";
import { createScriptedRunAgent } from "../../apps/worker/src/testing/scripted-run-agent.ts";

/**
 * Many headless desktop doubles in one process, for the scale benchmark:
 * REDIS_URL, DESKTOPS ("d-0,d-1,…"), SCREENSHOT (a PNG file every screenshot returns).
 */
const logger = createLogger({ name: "scale-workers", level: "warn" });
const png = readFileSync(process.env.SCREENSHOT!);
const policy = parsePolicy(
  { rules: [{ id: "ask", match: {}, decision: "ask" }] },
  { approvalTimeoutMs: 3_600_000 },
);
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
        actions: [{ action: "left_click", coordinate: [5, 5] }],
        computer,
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
