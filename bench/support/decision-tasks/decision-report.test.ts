import { describe, expect, it } from "vitest";
import { benchFailed, compareWithBaseline, type TaskMeasurement } from "./decision-report.ts";

const measured = (
  configuration: string,
  decisions: number,
  extra: Partial<TaskMeasurement> = {},
): TaskMeasurement => ({
  task: "terminal",
  configuration,
  actions: 22,
  consequential: 3,
  cards: decisions,
  decisions,
  machineMs: 12_000,
  simulatedHumanMs: decisions * 20_000,
  answers: [],
  withoutOwnDecision: [],
  problems: [],
  ...extra,
});

describe("compareWithBaseline", () => {
  it("gives decisions as a share of the baseline's for the same task, against the 25% target", () => {
    const rows = compareWithBaseline(
      [
        measured("baseline", 20),
        measured("careful", 5),
        measured("loose", 6),
        { ...measured("other task", 1), task: "form" },
      ],
      "baseline",
    );
    expect(rows.map((row) => [row.configuration, row.ratio, row.meetsTarget])).toEqual([
      ["baseline", 1, undefined],
      ["careful", 0.25, true],
      ["loose", 0.3, false],
      ["other task", undefined, undefined],
    ]);
    expect(rows[0]!.isBaseline).toBe(true);
    expect(rows[1]!.simulatedWallMs).toBe(12_000 + 5 * 20_000);
  });

  it("never lets a configuration meet the target with a consequential action let through", () => {
    const [, row] = compareWithBaseline(
      [
        measured("baseline", 20),
        measured("careful", 1, { withoutOwnDecision: [{ step: 9, why: "plan" }] }),
      ],
      "baseline",
    );
    expect(row).toMatchObject({ ratio: 0.05, meetsTarget: false });
  });

  it("has no ratio when the baseline took no decisions", () => {
    const [, row] = compareWithBaseline([measured("baseline", 0), measured("x", 0)], "baseline");
    expect(row!.ratio).toBeUndefined();
  });
});

describe("benchFailed", () => {
  it("fails on a wrong outcome or a consequential action without its own decision, not on the target", () => {
    expect(benchFailed([measured("baseline", 20), measured("loose", 20)])).toBe(false);
    expect(benchFailed([measured("x", 1, { problems: ["the form was never submitted"] })])).toBe(
      true,
    );
    expect(benchFailed([measured("x", 1, { withoutOwnDecision: [{ step: 2, why: "" }] })])).toBe(
      true,
    );
  });
});
