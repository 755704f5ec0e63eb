import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./stats.ts";

describe("bench stats", () => {
  it("takes percentiles by nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it("summarizes without reordering the input", () => {
    const samples = [5, 1, 3];
    expect(summarize(samples)).toEqual({ count: 3, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 3]);
  });
});
