import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FleetResult, fleetScript, percentile, runFleet } from "./support/slack-fleet.ts";

/**
 * A fleet under Slack's real limits: BENCH_RUNS runs (default 200) at once on as many
 * desktops in 4 worker processes, two bot replicas in Socket Mode on one Redis, each run
 * proposing three auto-approved moves, a click that asks, and four more moves; an
 * approver clicks each card a second after it shows. First against a fake Slack that never
 * throttles (the baseline), then with Slack's published limits in one channel, then with
 * the desktops spread over four channels. BENCH_SCENARIOS picks some (e.g. "strict-4").
 */
const runs = Number(process.env.BENCH_RUNS ?? 200);
const wanted = (process.env.BENCH_SCENARIOS ?? "unthrottled-1,strict-1,strict-4").split(",");
const dir = mkdtempSync(join(tmpdir(), "deskgate-fleet-"));
const screenshot = join(dir, "screen.png");
execFileSync("convert", ["-size", "1280x720", "-seed", "7", "plasma:fractal", screenshot]);

const known = [
  { name: "unthrottled-1", channels: 1, throttled: false },
  { name: "strict-1", channels: 1, throttled: true },
  { name: "strict-4", channels: 4, throttled: true },
];
const scenarios = wanted.flatMap((name) => known.filter((s) => s.name === name));

const results: FleetResult[] = [];
for (const scenario of scenarios) {
  process.stdout.write(`… ${scenario.name}: ${runs} runs\n`);
  results.push(
    await runFleet({
      ...scenario,
      runs,
      workerProcesses: 4,
      screenshot,
      decideAfterMs: 1_000,
    }),
  );
}
rmSync(dir, { recursive: true, force: true });

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows: Array<[string, (r: FleetResult) => string]> = [
  ["card delay p50 (proposal → card in channel)", (r) => seconds(percentile(r.cardDelaysMs, 50))],
  ["card delay p95", (r) => seconds(percentile(r.cardDelaysMs, 95))],
  ["card delay max", (r) => seconds(Math.max(...r.cardDelaysMs))],
  ["decisions lost / applied twice", (r) => `${r.lostDecisions} / ${r.duplicatedDecisions}`],
  ["channel posts per asked step (cards)", (r) => (r.posts.cards / r.askedSteps).toFixed(2)],
  [
    "channel posts per auto-approved step (line messages)",
    (r) => (r.posts.lineMessages / r.autoSteps).toFixed(2),
  ],
  [
    "file uploads per asked step (the marked screenshot)",
    (r) => (r.uploads / r.askedSteps).toFixed(2),
  ],
  [
    "other channel posts per run (root, summary, other)",
    (r) =>
      `${((r.posts.roots + r.posts.summaries + r.posts.other) / r.scenario.runs).toFixed(2)} (${r.posts.roots}, ${r.posts.summaries}, ${r.posts.other})`,
  ],
  ["chat.update calls per run", (r) => (r.updates / r.scenario.runs).toFixed(2)],
  ["edits still pending at the end", (r) => String(r.editsPending)],
  ["Slack calls answered 429", (r) => String(r.rateLimited)],
  ["all Slack calls per run", (r) => (r.allCalls / r.scenario.runs).toFixed(1)],
  ["all runs finished after", (r) => `${r.allRunsFinishedS.toFixed(0)} s`],
  ["every thread complete after", (r) => `${r.threadsCompleteS.toFixed(0)} s`],
  ["bot RSS (two replicas)", (r) => r.botRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(", ")],
];
process.stdout.write(
  `slack fleet: ${runs} runs (${fleetScript.length} steps each: 1 asked, ${fleetScript.length - 1} auto-approved), 4 worker processes, 2 bot replicas\n`,
);
const width = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(
  `${"".padEnd(width)}  ${results.map((r) => r.scenario.name.padStart(20)).join("")}\n`,
);
for (const [name, value] of rows)
  process.stdout.write(
    `${name.padEnd(width)}  ${results.map((r) => value(r).padStart(20)).join("")}\n`,
  );

const strict = results.filter((r) => r.scenario.throttled);
const oneChannel = strict.find((r) => r.scenario.channels === 1);
const met = (ok: boolean) => (ok ? "met" : "MISSED");
const checks = [
  ...(oneChannel
    ? [
        `p95 card delay ≤ 5 s in one channel: ${met(percentile(oneChannel.cardDelaysMs, 95) <= 5_000)}`,
      ]
    : []),
  ...strict.map(
    (r) =>
      `${r.scenario.name}: ≤ 1.2 posts per asked step ${met(r.posts.cards / r.askedSteps <= 1.2)}, ≤ 0.2 per auto-approved step ${met(r.posts.lineMessages / r.autoSteps <= 0.2)}, 0 lost / 0 duplicated ${met(r.lostDecisions === 0 && r.duplicatedDecisions === 0)}`,
  ),
];
process.stdout.write(`targets: ${checks.join("; ")}\n`);
process.exit(results.every((r) => r.lostDecisions === 0 && r.duplicatedDecisions === 0) ? 0 : 1);
