import type { Coordinate } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import type { ScreenSize } from "./computer.ts";

/** The largest image a model takes in: longest side and total pixels. */
export interface ImageLimits {
  maxLongEdge: number;
  maxPixels: number;
}

/**
 * What the model sees unless its limits are smaller: long edge ≤ 1280, ≤ ~1.15 megapixels,
 * aspect ratio kept (1920×1080 → 1280×720, 2560×1600 → 1280×800); the size the computer
 * use docs recommend, and small enough that a long run's screenshots fit in a request.
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/computer-use-tool
 */
export const preferredModelImage: ImageLimits = { maxLongEdge: 1280, maxPixels: 1_150_000 };

/** Smaller screens are not scaled up; larger ones fit the preferred size and `limits`. */
export function chooseModelScreen(
  screen: ScreenSize,
  limits: ImageLimits = preferredModelImage,
): ScreenSize {
  const longEdge = Math.min(preferredModelImage.maxLongEdge, limits.maxLongEdge);
  const pixels = Math.min(preferredModelImage.maxPixels, limits.maxPixels);
  const scale = Math.min(
    1,
    longEdge / Math.max(screen.width, screen.height),
    Math.sqrt(pixels / (screen.width * screen.height)),
  );
  return {
    width: Math.max(1, Math.floor(screen.width * scale)),
    height: Math.max(1, Math.floor(screen.height * scale)),
  };
}

/**
 * Converts between the model's coordinates and the real screen's, both ways. A model
 * coordinate outside the model's screen is refused, never clamped: a click the model
 * aimed off-screen must not land on the edge of something else (the SDK's computer use
 * guide says the same).
 */
export class CoordinateScaler {
  readonly model: ScreenSize;

  constructor(
    readonly screen: ScreenSize,
    limits?: ImageLimits,
  ) {
    this.model = chooseModelScreen(screen, limits);
  }

  toScreen(point: Coordinate): Coordinate {
    const [x, y] = this.inside(point, "coordinate");
    return [
      Math.min(Math.round((x * this.screen.width) / this.model.width), this.screen.width - 1),
      Math.min(Math.round((y * this.screen.height) / this.model.height), this.screen.height - 1),
    ];
  }

  /** The pointer's real position → the model's; the pointer is always on the screen. */
  toModel([x, y]: Coordinate): Coordinate {
    return [
      clamp(Math.round((x * this.model.width) / this.screen.width), this.model.width),
      clamp(Math.round((y * this.model.height) / this.screen.height), this.model.height),
    ];
  }

  /**
   * A zoom region `[x0, y0, x1, y1]` (model pixels, end exclusive) → the screen pixels it
   * covers, at least one pixel wide. A region reaching past the model's screen is refused.
   */
  regionToScreen([x0, y0, x1, y1]: readonly [number, number, number, number]): ScreenRegion {
    const [left, top] = this.toScreen([x0, y0]);
    this.inside([x1 - 1, y1 - 1], "region end");
    const right = Math.round((x1 * this.screen.width) / this.model.width);
    const bottom = Math.round((y1 * this.screen.height) / this.model.height);
    return {
      left,
      top,
      width: Math.max(1, Math.min(this.screen.width, right) - left),
      height: Math.max(1, Math.min(this.screen.height, bottom) - top),
    };
  }

  private inside([x, y]: Coordinate, field: string): Coordinate {
    const { width, height } = this.model;
    if (Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < width && y < height)
      return [x, y];
    throw new AppError(
      "coordinate_outside_screen",
      `${field} [${x}, ${y}] is outside the ${width}×${height} screen (0 ≤ x < ${width}, 0 ≤ y < ${height}); nothing was done`,
    );
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
