import { describe, expect, it } from "vitest";
import { typingRuns } from "./nut-computer.ts";

describe("typingRuns", () => {
  it("separates ASCII from other characters without splitting surrogate pairs", () => {
    expect(typingRuns("ab é😀c")).toEqual([
      { ascii: true, text: "ab " },
      { ascii: false, text: "é😀" },
      { ascii: true, text: "c" },
    ]);
  });

  it("caps each run's length", () => {
    const runs = typingRuns("x".repeat(450));
    expect(runs.map((run) => run.text.length)).toEqual([200, 200, 50]);
  });
});
