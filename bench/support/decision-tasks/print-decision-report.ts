import { report } from "../../stats.ts";
import { type ComparedMeasurement, decisionTarget } from "./decision-report.ts";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** The figures per task × configuration, then decisions against the baseline and the target. */
export function printDecisionReport(
  rows: readonly ComparedMeasurement[],
  msPerDecision: number,
): void {
  process.stdout.write(
    `\ndecisions per task, real bot + worker + Xvfb programs; a person's decision is counted as ${seconds(msPerDecision)} (simulated, not slept)\n`,
  );
  report(
    rows.map((row) => ({
      name: `${row.task} · ${row.configuration}`,
      value: [
        `${row.actions} actions (${row.consequential} consequential)`,
        `${row.cards} cards`,
        `${row.decisions} decisions`,
        `people ${minutes(row.simulatedHumanMs)}`,
        `machine ${seconds(row.machineMs)}`,
        `wall ${minutes(row.simulatedWallMs)}`,
        `consequential without own decision ${row.withoutOwnDecision.length}`,
      ].join(" · "),
    })),
  );
  process.stdout.write(`\ndecisions vs the baseline (target ≤ ${decisionTarget * 100}%)\n`);
  report(
    rows.map((row) => ({
      name: `${row.task} · ${row.configuration}`,
      value:
        row.ratio === undefined
          ? "no baseline decisions to compare with"
          : `${(row.ratio * 100).toFixed(0)}% · ${row.isBaseline ? "the baseline" : row.meetsTarget ? "PASS" : "FAIL"}`,
    })),
  );
  for (const row of rows) {
    for (const { step, why } of row.withoutOwnDecision)
      process.stdout.write(
        `${row.task} · ${row.configuration}: consequential step ${step} ran without a decision of its own: ${why}\n`,
      );
    for (const problem of row.problems)
      process.stdout.write(`${row.task} · ${row.configuration}: ${problem}\n`);
  }
}
