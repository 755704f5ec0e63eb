import { writeFileSync } from "node:fs";
import type { ApprovalState } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { annotateScreenshot, createNutComputer } from "@deskgate/desktop";
import { actionFingerprint } from "@deskgate/effects";
import { startTypingTarget } from "@deskgate/test-support/x-probe";
import { startXvfb } from "@deskgate/test-support/xvfb-display";
import sharp from "sharp";
import { approvalCard } from "../apps/bot/src/blocks/approval-card.ts";

/**
 * Renders docs/images/approval-card.png: the Block Kit the bot sends for a real request,
 * with the real annotated screenshot of an Xvfb desktop, drawn at phone width.
 * `npx tsx scripts/render-card-preview.ts`
 */
const width = 420;
const xvfb = await startXvfb({ width: 1280, height: 800 });
const terminal = await startTypingTarget(xvfb.display, { geometry: "90x12+40+40" });
const computer = await createNutComputer({
  display: xvfb.display,
  logger: createLogger({ level: "silent" }),
});
const action = { action: "left_click" as const, coordinate: [300, 120] as [number, number] };
const annotated = await annotateScreenshot(await computer.screenshot(), action);
const state: ApprovalState = {
  request: {
    approvalId: "apr_run_k3Jd8sQ2xV_2",
    runId: "run_k3Jd8sQ2xV",
    step: 2,
    desktop: "desktop-1",
    action,
    rationale: "I'll click into the terminal so I can type the date command.",
    screenshotKey: "dg:screenshot:{run_k3Jd8sQ2xV}:apr_run_k3Jd8sQ2xV_2-card",
    requestedAt: "2026-11-25T14:02:18.000Z",
    expiresAt: "2026-11-25T14:32:18.000Z",
    requiredApprovals: 1,
    expiryMode: "deny",
    ruleId: "desktop-actions-ask",
  },
  status: "pending",
  versions: [
    {
      number: 1,
      action,
      fingerprint: actionFingerprint(action),
      requiredApprovals: 1,
      at: "2026-11-25T14:02:18.000Z",
    },
  ],
  approvals: [],
};
const card = approvalCard(state, {});
const lines: string[] = [];
type RenderedBlock = { type: string; text?: { text: string }; elements?: Array<{ text: string }> };
for (const block of card.blocks as RenderedBlock[]) {
  if (block.type === "section") lines.push(...String(block.text?.text ?? "").split("\n"));
  if (block.type === "context")
    lines.push(...(block.elements ?? []).map((e: { text: string }) => `~${e.text}`));
}
const plain = (text: string) =>
  text
    .replace(/<!date\^\d+\^\{time\}\|([^>]+)>/g, (_m, iso: string) => iso.slice(11, 16))
    .replace(/<([^|>]+)\|([^>]+)>/g, "$2")
    .replace(/[*`>]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;");
const imageHeight = Math.round((width - 32) * (800 / 1280));
// The screenshot is uploaded into the thread just before the card, so it shows above it.
const imageTop = 64;
let y = imageTop + imageHeight + 28;
const textSvg: string[] = [];
for (const line of lines) {
  const small = line.startsWith("~");
  const content = plain(small ? line.slice(1) : line);
  for (const chunk of content.match(/.{1,52}(\s|$)/g) ?? [content]) {
    textSvg.push(
      `<text x="16" y="${y}" font-size="${small ? 12 : 15}" fill="${small ? "#616061" : "#1d1c1d"}" font-family="DejaVu Sans">${chunk.trim()}</text>`,
    );
    y += small ? 18 : 22;
  }
}
const buttonsTop = y + 6;
const labels = ["Approve", "Deny", "Deny with reason…", "Edit…", "Approve for 10 min", "Stop run"];
const buttons = labels.map((label, i) => {
  const x = 16 + (i % 2) * 196;
  const top = buttonsTop + Math.floor(i / 2) * 40;
  const fill = label === "Approve" ? "#007a5a" : "#fff";
  const colour =
    label === "Approve" ? "#fff" : label === "Deny" || label === "Stop run" ? "#e01e5a" : "#1d1c1d";
  return `<rect x="${x}" y="${top}" width="186" height="32" rx="4" fill="${fill}" stroke="#bbb"/><text x="${x + 93}" y="${top + 21}" text-anchor="middle" font-size="13" font-family="DejaVu Sans" font-weight="bold" fill="${colour}">${label}</text>`;
});
const height = buttonsTop + 130;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="#fff"/><rect x="0" y="0" width="${width}" height="44" fill="#3f0e40"/>
<text x="16" y="28" font-size="15" fill="#fff" font-family="DejaVu Sans" font-weight="bold">#agents · thread</text>
<text x="16" y="${62 - 8}" font-size="13" fill="#1d1c1d" font-family="DejaVu Sans" font-weight="bold">deskgate  APP</text>
${textSvg.join("\n")}${buttons.join("\n")}</svg>`;
const shot = await sharp(annotated)
  .resize(width - 32, imageHeight)
  .png()
  .toBuffer();
const png = await sharp(Buffer.from(svg))
  .composite([{ input: shot, top: imageTop, left: 16 }])
  .png()
  .toBuffer();
writeFileSync("docs/images/approval-card.png", png);
await computer.close();
await terminal.close();
await xvfb.stop();
process.stdout.write(`wrote docs/images/approval-card.png (${png.length} bytes)\n`);
process.exit(0);
