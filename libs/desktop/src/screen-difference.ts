import sharp from "sharp";

const thumbnail = { width: 64, height: 40 };
/** Grey levels closer than this count as the same (compression noise, cursor blink). */
const tolerance = 24;

async function greyThumbnail(png: Buffer): Promise<Buffer> {
  return sharp(png)
    .resize(thumbnail.width, thumbnail.height, { fit: "fill" })
    .greyscale()
    .raw()
    .toBuffer();
}

/**
 * The fraction (0..1) of the screen that changed between two screenshots, on a small grey
 * thumbnail: a dialog or a scrolled page moves it well above a few percent; a blinking
 * caret does not. Used to refuse acting on a screen nobody approved.
 */
export async function screenDifference(before: Buffer, after: Buffer): Promise<number> {
  const [a, b] = await Promise.all([greyThumbnail(before), greyThumbnail(after)]);
  let changed = 0;
  for (let i = 0; i < a.length; i += 1) if (Math.abs(a[i]! - b[i]!) > tolerance) changed += 1;
  return changed / a.length;
}
