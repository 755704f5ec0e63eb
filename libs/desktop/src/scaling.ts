import type { Coordinate } from "@deskgate/contracts";
import type { ScreenSize } from "./computer.ts";

/**
 * The model sees the screen scaled down to a size the computer tool handles well (long
 * edge ≤ 1280, ≤ ~1.15 megapixels, aspect ratio kept): 1920×1080 → 1280×720,
 * 2560×1600 → 1280×800. Smaller screens are not scaled up.
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/computer-use-tool
 */
export const maxModelLongEdge = 1280;
export const maxModelPixels = 1_150_000;

export function chooseModelScreen(screen: ScreenSize): ScreenSize {
  const scale = Math.min(
    1,
    maxModelLongEdge / Math.max(screen.width, screen.height),
    Math.sqrt(maxModelPixels / (screen.width * screen.height)),
  );
  return {
    width: Math.max(1, Math.round(screen.width * scale)),
    height: Math.max(1, Math.round(screen.height * scale)),
  };
}

/** Converts between the model's coordinates and the real screen's, both ways. */
export class CoordinateScaler {
  readonly model: ScreenSize;

  constructor(readonly screen: ScreenSize) {
    this.model = chooseModelScreen(screen);
  }

  toScreen([x, y]: Coordinate): Coordinate {
    return [
      clamp(Math.round((x * this.screen.width) / this.model.width), this.screen.width),
      clamp(Math.round((y * this.screen.height) / this.model.height), this.screen.height),
    ];
  }

  toModel([x, y]: Coordinate): Coordinate {
    return [
      clamp(Math.round((x * this.model.width) / this.screen.width), this.model.width),
      clamp(Math.round((y * this.model.height) / this.screen.height), this.model.height),
    ];
  }

  /**
   * A zoom region `[x0, y0, x1, y1]` (model pixels, end exclusive) → the screen pixels it
   * covers, at least one pixel wide and inside the screen.
   */
  regionToScreen([x0, y0, x1, y1]: readonly [number, number, number, number]): ScreenRegion {
    const [left, top] = this.toScreen([x0, y0]);
    const right = Math.min(
      this.screen.width,
      Math.round((x1 * this.screen.width) / this.model.width),
    );
    const bottom = Math.min(
      this.screen.height,
      Math.round((y1 * this.screen.height) / this.model.height),
    );
    return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
  }
}

/** A screen-pixel rectangle, as sharp's `extract` takes it. */
export interface ScreenRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

function clamp(value: number, size: number): number {
  return Math.min(Math.max(value, 0), size - 1);
}
