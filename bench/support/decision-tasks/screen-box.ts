import type { Coordinate } from "@deskgate/contracts";

/** A rectangle on the screen in pixels, as xdotool and Tk's `winfo` report windows. */
export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box's middle pixel: where a click lands on the widget whatever its size. */
export function centreOf(box: ScreenBox): Coordinate {
  return [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
}

/**
 * A `zoom` region ([x0, y0, x1, y1], x1 > x0, y1 > y0) around `box`, widened by `margin`
 * pixels and clipped to the screen's top left corner.
 */
export function zoomRegionOf(box: ScreenBox, margin = 0): [number, number, number, number] {
  return [
    Math.max(0, box.x - margin),
    Math.max(0, box.y - margin),
    box.x + box.width + margin,
    box.y + box.height + margin,
  ];
}

/** The part of `box` from `from` to `to` of its height (0–1), full width: a band of lines. */
export function bandOf(box: ScreenBox, from: number, to: number): ScreenBox {
  const top = Math.round(box.y + box.height * from);
  return { x: box.x, y: top, width: box.width, height: Math.round(box.height * (to - from)) };
}

/** The smallest box holding both `from` and `to`: a group of widgets. */
export function spanOf(from: ScreenBox, to: ScreenBox): ScreenBox {
  const x = Math.min(from.x, to.x);
  const y = Math.min(from.y, to.y);
  const right = Math.max(from.x + from.width, to.x + to.width);
  const bottom = Math.max(from.y + from.height, to.y + to.height);
  return { x, y, width: right - x, height: bottom - y };
}
