import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoordinateScaler, chooseModelScreen } from "./scaling.ts";

describe("chooseModelScreen", () => {
  it.each([
    [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
    ],
    [
      { width: 2560, height: 1600 },
      { width: 1280, height: 800 },
    ],
    [
      { width: 1280, height: 800 },
      { width: 1280, height: 800 },
    ],
    [
      { width: 1024, height: 768 },
      { width: 1024, height: 768 },
    ],
    [
      { width: 3840, height: 2160 },
      { width: 1280, height: 720 },
    ],
  ])("scales %j to %j", (screen, model) => {
    expect(chooseModelScreen(screen)).toEqual(model);
  });

  it("keeps the aspect ratio within rounding and never scales up", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 320, max: 7680 }),
        fc.integer({ min: 240, max: 4320 }),
        (width, height) => {
          const model = chooseModelScreen({ width, height });
          expect(model.width).toBeLessThanOrEqual(width);
          expect(Math.max(model.width, model.height)).toBeLessThanOrEqual(1280);
          expect(Math.abs(model.width / model.height - width / height)).toBeLessThan(
            (width / height) * (1 / model.height + 1 / model.width) * 1.01,
          );
        },
      ),
    );
  });
});

describe("CoordinateScaler", () => {
  it("round-trips model → screen → model exactly for any screen size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 320, max: 7680 }),
        fc.integer({ min: 240, max: 4320 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (width, height, fx, fy) => {
          const scaler = new CoordinateScaler({ width, height });
          const point: [number, number] = [
            Math.floor(fx * scaler.model.width),
            Math.floor(fy * scaler.model.height),
          ];
          const screenPoint = scaler.toScreen(point);
          expect(screenPoint[0]).toBeLessThan(width);
          expect(screenPoint[1]).toBeLessThan(height);
          const back = scaler.toModel(screenPoint);
          expect(Math.abs(back[0] - point[0])).toBeLessThanOrEqual(1);
          expect(Math.abs(back[1] - point[1])).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("maps the model's corners to the screen's corners", () => {
    const scaler = new CoordinateScaler({ width: 1920, height: 1080 });
    expect(scaler.toScreen([0, 0])).toEqual([0, 0]);
    expect(scaler.toScreen([1279, 719])).toEqual([1919, 1079]);
    expect(scaler.toScreen([640, 360])).toEqual([960, 540]);
  });
});

describe("regionToScreen", () => {
  it("maps a zoom region onto the screen pixels it covers", () => {
    const scaler = new CoordinateScaler({ width: 1920, height: 1080 });
    expect(scaler.regionToScreen([0, 0, 1280, 720])).toEqual({
      left: 0,
      top: 0,
      width: 1920,
      height: 1080,
    });
    expect(scaler.regionToScreen([600, 400, 760, 490])).toEqual({
      left: 900,
      top: 600,
      width: 240,
      height: 135,
    });
  });

  it("stays inside the screen and at least one pixel big for any valid region", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 320, max: 7680 }),
        fc.integer({ min: 240, max: 4320 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 4,
          maxLength: 4,
        }),
        (width, height, [a = 0, b = 0, c = 0, d = 0]) => {
          const scaler = new CoordinateScaler({ width, height });
          const { model } = scaler;
          const xs = [Math.floor(a * model.width), Math.floor(c * model.width)].sort(
            (p, q) => p - q,
          );
          const ys = [Math.floor(b * model.height), Math.floor(d * model.height)].sort(
            (p, q) => p - q,
          );
          const region = [xs[0]!, ys[0]!, xs[1]! + 1, ys[1]! + 1] as const;
          const screen = scaler.regionToScreen(region);
          expect(screen.width).toBeGreaterThanOrEqual(1);
          expect(screen.height).toBeGreaterThanOrEqual(1);
          expect(screen.left + screen.width).toBeLessThanOrEqual(width);
          expect(screen.top + screen.height).toBeLessThanOrEqual(height);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("a coordinate outside the model's screen", () => {
  const scaler = new CoordinateScaler({ width: 1920, height: 1080 });

  it.each([
    [[1280, 10], "coordinate [1280, 10] is outside the 1280×720 screen"],
    [[10, 720], "coordinate [10, 720] is outside the 1280×720 screen"],
    [[-1, 10], "coordinate [-1, 10] is outside the 1280×720 screen"],
    [[1.5, 10], "coordinate [1.5, 10] is outside the 1280×720 screen"],
  ] as const)("refuses %j instead of clamping it to the edge", (point, message) => {
    expect(() => scaler.toScreen([point[0], point[1]])).toThrow(message);
  });

  it("refuses a zoom region that reaches past the screen", () => {
    expect(() => scaler.regionToScreen([1200, 600, 1281, 720])).toThrow(
      /region end \[1280, 719\] is outside/,
    );
    expect(scaler.regionToScreen([1200, 600, 1280, 720])).toEqual({
      left: 1800,
      top: 900,
      width: 120,
      height: 180,
    });
  });

  it("fits the model's screen inside smaller image limits, never over them", () => {
    const limits = { maxLongEdge: 1000, maxPixels: 500_000 };
    const model = chooseModelScreen({ width: 1920, height: 1080 }, limits);
    expect(Math.max(model.width, model.height)).toBeLessThanOrEqual(1000);
    expect(model.width * model.height).toBeLessThanOrEqual(500_000);
  });
});
