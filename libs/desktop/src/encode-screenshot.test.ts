import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  bgraToRgb,
  encodeRegion,
  encodeScreenshot,
  type RawBgraImage,
} from "./encode-screenshot.ts";

/** A grab as nut-js returns it on X11: BGRA with alpha 0; left half red, right half blue. */
function fakeGrab(width: number, height: number): RawBgraImage {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const o = (y * width + x) * 4;
      if (x < width / 2) data[o + 2] = 255;
      else data[o] = 255;
    }
  }
  return { data, width, height };
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [...data.subarray(o, o + 3)];
}

describe("encodeScreenshot", () => {
  it("swaps BGRA to RGB and drops the zero alpha", () => {
    const rgb = bgraToRgb({ data: Buffer.from([1, 2, 3, 0, 4, 5, 6, 0]), width: 2, height: 1 });
    expect([...rgb]).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it("resizes a zero-alpha grab to the model size with true colours", async () => {
    const shot = await encodeScreenshot(fakeGrab(192, 108), { width: 128, height: 72 });
    const meta = await sharp(shot.png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 128, 72, 3]);
    expect([shot.width, shot.height]).toEqual([128, 72]);
    expect(await pixel(shot.png, 10, 10)).toEqual([255, 0, 0]);
    expect(await pixel(shot.png, 120, 60)).toEqual([0, 0, 255]);
  });

  it("zooms a region into the model size", async () => {
    const region = { left: 96, top: 0, width: 96, height: 54 };
    const shot = await encodeRegion(fakeGrab(192, 108), region, { width: 128, height: 72 });
    expect(await pixel(shot.png, 64, 36)).toEqual([0, 0, 255]);
  });
});
