import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApprovalState, type ComputerAction, initialInputState } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { annotateScreenshot, createNutComputer } from "@deskgate/desktop";
import { actionFingerprint } from "@deskgate/effects";
import { startTypingTarget } from "@deskgate/test-support/x-probe";
import { startXvfb } from "@deskgate/test-support/xvfb-display";
import { chromium } from "playwright-core";
import { approvalCard } from "../apps/bot/src/blocks/approval-card.ts";
import { demoStyle } from "./demo/demo-page.ts";
import { renderBlocks } from "./demo/render-blocks.ts";

/**
 * Renders docs/images/approval-card.png: the real Block Kit the bot sends for a real
 * request — an Enter typed into a terminal, asked of two people — with the real annotated
 * screenshot of an Xvfb desktop above it, drawn by Debian's Chromium at a phone's width.
 * `npx tsx scripts/render-card-preview.ts`
 */
const phoneWidth = 390;
const xvfb = await startXvfb({ width: 1280, height: 800 });
const terminal = await startTypingTarget(xvfb.display, { geometry: "90x12+40+40" });
const computer = await createNutComputer({
  display: xvfb.display,
  logger: createLogger({ level: "silent" }),
});
const pointer: [number, number] = [300, 120];
const action: ComputerAction = { action: "type", text: "find ~/Documents -name '*.tmp' -delete\n" };
const annotated = await annotateScreenshot(
  await computer.screenshot({ purpose: "check" }),
  action,
  {
    cursor: pointer,
    format: "jpeg",
  },
);
const at = "2026-11-25T14:02:18.000Z";
const state: ApprovalState = {
  request: {
    approvalId: "apr_run_k3Jd8sQ2xV_4",
    runId: "run_k3Jd8sQ2xV",
    step: 4,
    desktop: "desktop-1",
    action,
    rationale: "The terminal is focused. I'll delete the temporary files the task mentions.",
    screenshotKey: "dg:screenshot:apr_run_k3Jd8sQ2xV_4-card",
    screen: { width: 1280, height: 800 },
    input: { ...initialInputState, pointer, lineUnknown: false },
    requestedAt: at,
    expiresAt: "2026-11-25T14:17:18.000Z",
    requiredApprovals: 2,
    expiryMode: "deny",
    ruleId: "terminal-commands-need-two",
  },
  status: "pending",
  versions: [
    { number: 1, action, fingerprint: actionFingerprint(action), requiredApprovals: 2, at },
  ],
  approvals: [{ by: { userId: "U0ANNA", name: "anna" }, at, version: 1 }],
};
const card = approvalCard(state, { desktopViewUrl: "http://desktop-1.internal:6080/vnc.html" });
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${demoStyle}
body{background:#fff;width:${phoneWidth}px;margin:0}
.bar{background:#3f0e40;color:#fff;font-weight:600;padding:12px 14px}
.message{padding:8px 12px}</style></head><body>
<div class="bar"># agents · thread</div>
<div class="message"><div class="author">deskgate APP</div>
<div class="context">step-4.jpg — Step 4: the target is marked</div>
<img class="image" style="width:100%" src="data:image/jpeg;base64,${annotated.toString("base64")}"></div>
<div class="message"><div class="author">deskgate APP</div>${renderBlocks(card.blocks, {
  fileUrl: () => "",
})}</div></body></html>`;
const profile = mkdtempSync(join(tmpdir(), "deskgate-card-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: phoneWidth, height: 900 },
  deviceScaleFactor: 2,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage();
await page.setContent(html);
const png = await page.screenshot({ fullPage: true });
writeFileSync("docs/images/approval-card.png", png);
await browser.close();
rmSync(profile, { recursive: true, force: true });
await computer.close();
await terminal.close();
await xvfb.stop();
process.stdout.write(`wrote docs/images/approval-card.png (${png.length} bytes)\n`);
process.exit(0);
