import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ComputerAction } from "@deskgate/contracts";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, FakeSlack, slashCommand } from "@deskgate/test-support/fake-slack";
import { approvalCard } from "../apps/bot/src/blocks/approval-card.ts";
import { unthrottledPostingLimits } from "../apps/bot/src/slack-budget/posting-budget.ts";
import { GateHarness } from "../apps/worker/src/testing/gate-harness.ts";
import { startBot } from "../e2e/bot-harness.ts";
import { report, summarize } from "./stats.ts";

/**
 * Proposal → card posted: from the gate's request (its requestedAt) to the fake Slack
 * receiving the card's chat.postMessage, screenshot upload included; Slack's own latency
 * is zero here. Baseline in the same run: the same upload and card posted directly,
 * without the queue, Redis or the gate — the Slack calls alone.
 */
const samples = Number(process.env.BENCH_SAMPLES ?? 50);
const redis = await startPrivateRedis();
const harness = new GateHarness(redis.url);
// The pipeline's own latency: Slack's (and its rate limits) are excluded here; the fleet
// benchmark (slack-fleet.bench.ts) measures cards under Slack's limits.
const slack = await new FakeSlack({ rateLimits: "off" }).start();
const bot = await startBot(harness, slack, {}, { postingLimits: unthrottledPostingLimits });
const click: ComputerAction = { action: "left_click", coordinate: [10, 10] };
// A realistic screenshot: a busy 1280×720 screen is ~900 KB as PNG (docs/BENCHMARKS.md).
const dir = mkdtempSync(join(tmpdir(), "deskgate-bench-"));
execFileSync("convert", [
  "-size",
  "1280x720",
  "-seed",
  "7",
  "plasma:fractal",
  "-depth",
  "8",
  join(dir, "screen.png"),
]);
const screenshotPng = readFileSync(join(dir, "screen.png"));
rmSync(dir, { recursive: true, force: true });
await harness.startDesktop({ actions: [click], screenshotPng });

const cardCalls = () =>
  slack.webApi
    .callsOf("chat.postMessage")
    .filter((c) => JSON.stringify(c.blocks ?? []).includes("approval.approve"));
const latencies: number[] = [];
for (let i = 0; i < samples; i += 1) {
  const before = cardCalls().length;
  await slack.send({
    type: "slash_commands",
    payload: slashCommand(`bench ${i}`.replace("bench", "start bench"), { userId: "U0ALICE" }),
  });
  const call = await waitFor(() => cardCalls()[before], { timeoutMs: 10_000, what: "a card" });
  const approvalId = (/"value":"(apr_[^"]+)"/.exec(JSON.stringify(call.blocks)) ?? [])[1]!;
  const state = await harness.backend.runDesk.getApproval(approvalId);
  latencies.push(call.receivedAt - new Date(state!.request.requestedAt).getTime());
  const ts = [...slack.webApi.messages.values()].find((m) =>
    JSON.stringify(m.blocks).includes(approvalId),
  )!.ts;
  await slack.send({
    type: "interactive",
    payload: blockAction({
      actionId: "approval.approve",
      value: approvalId,
      userId: "U0BOB",
      messageTs: ts,
    }),
  });
  await harness.waitForStatus(state!.request.runId, "finished");
}

const direct: number[] = [];
const state = (await harness.backend.runDesk.getApproval(
  (/"value":"(apr_[^"]+)"/.exec(JSON.stringify(cardCalls()[0]!.blocks)) ?? [])[1]!,
))!;
const png = (await harness.backend.runDesk.readScreenshot(state.request.screenshotKey!))!;
for (let i = 0; i < samples; i += 1) {
  const started = Date.now();
  await bot.bot.slack.app.client.files.uploadV2({
    channel_id: "C0RUNS",
    file: png,
    filename: "step.png",
  });
  const card = approvalCard(state);
  await bot.bot.slack.app.client.chat.postMessage({
    channel: "C0RUNS",
    text: card.text,
    blocks: card.blocks as never,
  });
  direct.push(Date.now() - started);
}

const a = summarize(latencies);
const b = summarize(direct);
process.stdout.write(
  `proposal → card posted (upload of a ${Math.round(screenshotPng.length / 1024)} KB PNG + card), ${samples} requests\n`,
);
report([
  {
    name: "gate → queue → bot → Slack (deskgate)",
    value: `p50 ${a.p50} ms · p99 ${a.p99} ms · max ${a.max} ms`,
  },
  {
    name: "baseline: the Slack calls alone",
    value: `p50 ${b.p50} ms · p99 ${b.p99} ms`,
    ratio: a.p50 / Math.max(1, b.p50),
  },
]);
process.stdout.write(
  `target p50 ≤ 150 ms: ${a.p50 <= 150 ? "met" : "MISSED"} (ratio = deskgate's p50 over the baseline's)\n`,
);

await bot.stop();
await harness.close();
await slack.close();
await redis.dispose();
process.exit(0);
