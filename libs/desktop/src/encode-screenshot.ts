import sharp from "sharp";
import type { ScreenSize, Screenshot } from "./computer.ts";

/** A raw grab: 4 bytes per pixel in B, G, R, A order (nut-js on X11; alpha is 0). */
export interface RawBgraImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * BGRA → packed RGB. sharp would premultiply by the (zero) alpha before resizing and
 * produce garbage, so the alpha byte is dropped here; a plain loop is ~6× faster than
 * nut-js's Image.toRGB (see /docs/BENCHMARKS.md).
 */
export function bgraToRgb(image: RawBgraImage): Buffer {
  const pixels = image.width * image.height;
  const rgb = Buffer.allocUnsafe(pixels * 3);
  const source = image.data;
  for (let i = 0, o = 0; i < pixels * 4; i += 4, o += 3) {
    rgb[o] = source[i + 2]!;
    rgb[o + 1] = source[i + 1]!;
    rgb[o + 2] = source[i]!;
  }
  return rgb;
}

/**
 * A palette PNG (≤ 256 colours, libimagequant, no dithering): every screenshot stays in
 * the request body of a model whose history is not pruned on the client, and the Messages
 * API takes at most 32 MB a request. On a busy 1280×720 screen a truecolour PNG is ~840 KB
 * (~1.1 MB in base64: the limit after a few dozen steps); this is ~170–250 KB, with text
 * as legible (no dither noise around glyphs). Costs ~110 ms against ~36 ms; measured in
 * docs/BENCHMARKS.md (section 5).
 */
const pngOptions = { palette: true, effort: 1, dither: 0 } as const;
/** For looks that never reach the model: fast zlib level, truecolour (~36 ms). */
const checkPngOptions = { compressionLevel: 3, adaptiveFiltering: false } as const;

/** Raw BGRA screen (full resolution) → PNG at the model's size. */
export async function encodeScreenshot(
  image: RawBgraImage,
  target: ScreenSize,
  purpose: "model" | "check" = "model",
): Promise<Screenshot> {
  const rgb = bgraToRgb(image);
  let pipeline = sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (target.width !== image.width || target.height !== image.height) {
    pipeline = pipeline.resize(target.width, target.height, { fit: "fill", kernel: "lanczos3" });
  }
  const png = await pipeline.png(purpose === "model" ? pngOptions : checkPngOptions).toBuffer();
  return { png, width: target.width, height: target.height };
}

/** A truecolour screenshot re-encoded compactly for the model. */
export async function compactForModel(shot: Screenshot): Promise<Screenshot> {
  return { ...shot, png: await sharp(shot.png).png(pngOptions).toBuffer() };
}

/** A region of the raw screen (screen pixels) → PNG scaled to `target`, for `zoom`. */
export async function encodeRegion(
  image: RawBgraImage,
  region: { left: number; top: number; width: number; height: number },
  target: ScreenSize,
): Promise<Screenshot> {
  const rgb = bgraToRgb(image);
  const png = await sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(region)
    .resize(target.width, target.height, { fit: "contain", background: "#000" })
    .png(pngOptions)
    .toBuffer();
  return { png, width: target.width, height: target.height };
}
