import type { ComputerAction } from "@deskgate/contracts";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { annotateScreenshot } from "./annotate-screenshot.ts";
import type { Screenshot } from "./computer.ts";
import { screenDifference } from "./screen-difference.ts";

const size = { width: 640, height: 360 };
let plain: Screenshot;

beforeAll(async () => {
  const png = await sharp({
    create: { ...size, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .png()
    .toBuffer();
  plain = { png, ...size };
});

/** How many pixels in a box around (x, y) the overlay changed. */
async function changedNear(png: Buffer, x: number, y: number, radius = 12): Promise<number> {
  const a = await sharp(plain.png).raw().toBuffer();
  const b = await sharp(png).removeAlpha().raw().toBuffer();
  let changed = 0;
  for (let py = Math.max(0, y - radius); py < Math.min(size.height, y + radius); py += 1) {
    for (let px = Math.max(0, x - radius); px < Math.min(size.width, x + radius); px += 1) {
      const o = (py * size.width + px) * 3;
      if (Math.abs(a[o + 1]! - b[o + 1]!) > 40) changed += 1;
    }
  }
  return changed;
}

describe("annotateScreenshot", () => {
  it.each<[ComputerAction, [number, number]]>([
    [{ action: "left_click", coordinate: [200, 150] }, [200, 150]],
    [{ action: "mouse_move", coordinate: [600, 300] }, [600, 300]],
    [
      { action: "left_click_drag", start_coordinate: [100, 100], coordinate: [400, 100] },
      [250, 100],
    ],
    [{ action: "zoom", region: [300, 200, 500, 300] }, [400, 200]],
    [
      { action: "scroll", coordinate: [320, 100], scroll_direction: "down", scroll_amount: 3 },
      [320, 145],
    ],
  ])("marks %j near the target, same size, rest untouched", async (action, [x, y]) => {
    const marked = await annotateScreenshot(plain, action);
    const meta = await sharp(marked).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", size.width, size.height]);
    expect(await changedNear(marked, x, y)).toBeGreaterThan(10);
    expect(await changedNear(marked, 20, 340)).toBe(0);
  });

  it("marks the cursor for keyboard actions when it is known", async () => {
    const action: ComputerAction = { action: "type", text: "hello" };
    expect(await annotateScreenshot(plain, action)).toBe(plain.png);
    const marked = await annotateScreenshot(plain, action, { cursor: [50, 60] });
    expect(await changedNear(marked, 50, 60)).toBeGreaterThan(10);
  });

  it("encodes JPEG for cards when asked, with or without marks", async () => {
    const actions: ComputerAction[] = [
      { action: "left_click", coordinate: [200, 150] },
      { action: "wait", duration: 1 },
    ];
    for (const action of actions) {
      const jpeg = await annotateScreenshot(plain, action, { format: "jpeg" });
      const meta = await sharp(jpeg).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", size.width, size.height]);
    }
  });

  it("leaves screenshots without a target as they are", async () => {
    expect(await annotateScreenshot(plain, { action: "wait", duration: 1 })).toBe(plain.png);
  });
});

describe("screenDifference", () => {
  it("is 0 for the same screen and grows with the changed area", async () => {
    expect(await screenDifference(plain.png, plain.png)).toBe(0);
    const quarter = await sharp(plain.png)
      .composite([
        {
          input: { create: { width: 320, height: 180, channels: 3, background: "#000" } },
          top: 0,
          left: 0,
        },
      ])
      .png()
      .toBuffer();
    expect(await screenDifference(plain.png, quarter)).toBeCloseTo(0.25, 1);
  });

  it("ignores a small mark such as a caret", async () => {
    const click = await annotateScreenshot(plain, { action: "left_click", coordinate: [10, 10] });
    expect(await screenDifference(plain.png, click)).toBeLessThan(0.02);
  });
});
