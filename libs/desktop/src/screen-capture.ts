import type { ScreenSize, Screenshot } from "./computer.ts";
import { encodeRegion, encodeScreenshot, type RawBgraImage } from "./encode-screenshot.ts";

/**
 * The slice of nut-js's `screen` this file uses. Typed structurally so this file never
 * loads nut-js itself: nut-computer.ts does, after the display check.
 */
export interface GrabbingScreen {
  grab(): Promise<{ data: Buffer; width: number; height: number }>;
}

/** One full-resolution grab (BGRA, alpha 0 on X11). */
export async function captureScreen(screen: GrabbingScreen): Promise<RawBgraImage> {
  const image = await screen.grab();
  return { data: image.data, width: image.width, height: image.height };
}

/** Grab → BGRA→RGB → resize to the model's size → PNG (compact for the model, fast for checks). */
export async function captureScreenshot(
  screen: GrabbingScreen,
  model: ScreenSize,
  purpose: "model" | "check" = "model",
): Promise<Screenshot> {
  return encodeScreenshot(await captureScreen(screen), model, purpose);
}

/** Screen-pixel region of a fresh grab, scaled into the model's size (for `zoom`). */
export async function captureRegion(
  screen: GrabbingScreen,
  region: { left: number; top: number; width: number; height: number },
  model: ScreenSize,
): Promise<Screenshot> {
  return encodeRegion(await captureScreen(screen), region, model);
}
