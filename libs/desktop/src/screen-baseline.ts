import type { Coordinate } from "@deskgate/contracts";
import sharp from "sharp";
import { z } from "zod";

/** The whole screen, small: a dialog or a scrolled page moves it; a blinking caret does not. */
const thumbnail = { width: 64, height: 40 };
/** Around each target, at the screenshot's own resolution (model pixels). */
const crop = { width: 160, height: 100 };
/**
 * A later step of an approved plan compares the spot it acts on, always, and the rest of
 * the crop around it except near where the plan's earlier steps acted (they type and click
 * there, which changes the screen as planned). A page that rewords the dialog a later
 * click answers is seen, unless the rewording is right where an earlier step acted.
 */
const spot = { width: 48, height: 24 };
/** Grey levels closer than this count as the same (compression noise, anti-aliasing). */
const tolerance = 24;

/**
 * What the screen-change check keeps of the screen an approver saw: a grey thumbnail of
 * the whole screen and a full-resolution grey crop around each target. A few KB, where the
 * screenshot itself is ~1 MB, so it can be kept as long as the request can be decided.
 */
export const screenBaselineSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Raw 8-bit grey, base64. */
  thumbnail: z.string(),
  crops: z.array(
    z.object({
      target: z.tuple([z.number().int(), z.number().int()]),
      left: z.number().int().min(0),
      top: z.number().int().min(0),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      grey: z.string(),
    }),
  ),
});
export type ScreenBaseline = z.infer<typeof screenBaselineSchema>;

export interface ScreenComparison {
  /** The largest fraction (0–1) of changed pixels, over the whole screen and each crop. */
  difference: number;
  /** Where it changed most, in words. */
  where: string;
  changed: boolean;
}

export interface ScreenChangeLimits {
  /** Fraction of the whole (thumbnail) screen that may change. */
  wholeScreen: number;
  /** Fraction of a crop around a target that may change: small, text under a click matters. */
  aroundTarget: number;
}

export const defaultScreenChangeLimits: ScreenChangeLimits = {
  wholeScreen: 0.02,
  aroundTarget: 0.005,
};

/** The baseline of a screenshot (PNG or JPEG) for the given targets (model coordinates). */
export async function captureScreenBaseline(
  image: Buffer,
  targets: readonly Coordinate[],
): Promise<ScreenBaseline> {
  const { width, height } = await sharp(image).metadata();
  if (!width || !height) throw new Error("the screenshot has no size");
  const grey = await greyPixels(image);
  const crops = uniqueTargets(targets).map((target) => {
    const box = boxAround(target, crop, width, height);
    return {
      target: [target[0], target[1]] as [number, number],
      ...box,
      grey: extract(grey, box).toString("base64"),
    };
  });
  return {
    width,
    height,
    thumbnail: (await greyThumbnail(image)).toString("base64"),
    crops,
  };
}

/**
 * Compares a fresh screenshot with the baseline. A screenshot of another size counts as
 * wholly changed.
 */
export async function compareScreenBaseline(
  baseline: ScreenBaseline,
  image: Buffer,
  limits: ScreenChangeLimits = defaultScreenChangeLimits,
  targets: readonly Coordinate[] = [],
  options: ScreenCompareOptions = {},
): Promise<ScreenComparison> {
  if (options.spotsOnly) {
    const masks = [
      ...(options.planned ?? []).map((point) =>
        boxAround(point, crop, baseline.width, baseline.height),
      ),
      ...(options.plannedAreas ?? []).map(([left, top, width, height]) => ({
        left,
        top,
        width,
        height,
      })),
    ];
    return compareSpots(baseline, image, limits, targets, masks);
  }
  const { width, height } = await sharp(image).metadata();
  if (width !== baseline.width || height !== baseline.height)
    return { difference: 1, where: "the screen's size", changed: true };
  // A target nothing was kept around (an edit moved the click) cannot be compared.
  const uncovered = targets.find(
    ([x, y]) =>
      !baseline.crops.some(
        ({ target: [tx, ty] }) =>
          Math.abs(x - tx) <= crop.width / 2 && Math.abs(y - ty) <= crop.height / 2,
      ),
  );
  if (uncovered)
    return {
      difference: 1,
      where: `no screen was kept around (${uncovered[0]}, ${uncovered[1]}), where the action now acts`,
      changed: true,
    };
  const whole = fractionChanged(
    Buffer.from(baseline.thumbnail, "base64"),
    await greyThumbnail(image),
  );
  // Keys go wherever the focus is, and a prompt can take it anywhere on the screen: for
  // them the whole screen is the target, held to the target's limit.
  const wholeLimit = options.keys
    ? Math.min(limits.wholeScreen, limits.aroundTarget)
    : limits.wholeScreen;
  let worst: ScreenComparison = {
    difference: whole,
    where: "the whole screen",
    changed: whole > wholeLimit,
  };
  const grey = await greyPixels(image);
  for (const saved of baseline.crops) {
    const now = extract(grey, saved);
    const difference = fractionChanged(Buffer.from(saved.grey, "base64"), now);
    const changed = difference > limits.aroundTarget;
    if ((changed && !worst.changed) || (changed === worst.changed && difference > worst.difference))
      worst = {
        difference,
        where: `around the target at (${saved.target[0]}, ${saved.target[1]})`,
        changed,
      };
  }
  return worst;
}

export interface ScreenCompareOptions {
  /** The action presses keys: the whole screen is held to the around-target limit. */
  keys?: boolean;
  /**
   * For the later steps of an approved plan, whose earlier steps change the screen as
   * planned: compare the small spot (48×24) around each of `targets`, and the kept crop
   * around it outside the boxes around `planned` — nothing else.
   */
  spotsOnly?: boolean;
  /** Where the plan's earlier steps acted (model pixels): their surroundings may change. */
  planned?: readonly Coordinate[];
  /**
   * Areas (x, y, width, height) the plan's earlier steps changed as a whole: the window
   * their keys went to, which a Tab may have moved the typing anywhere in.
   */
  plannedAreas?: ReadonlyArray<readonly [number, number, number, number]>;
}

async function compareSpots(
  baseline: ScreenBaseline,
  image: Buffer,
  limits: ScreenChangeLimits,
  targets: readonly Coordinate[],
  masks: readonly Box[],
): Promise<ScreenComparison> {
  const { width, height } = await sharp(image).metadata();
  if (width !== baseline.width || height !== baseline.height)
    return { difference: 1, where: "the screen's size", changed: true };
  const grey = await greyPixels(image);
  let worst: ScreenComparison = { difference: 0, where: "nowhere", changed: false };
  for (const target of targets) {
    const box = boxAround(target, spot, baseline.width, baseline.height);
    const saved = baseline.crops.find((kept) => contains(kept, box));
    const where = `around the target at (${target[0]}, ${target[1]})`;
    if (!saved) return { difference: 1, where: `no screen was kept ${where}`, changed: true };
    const kept = { data: Buffer.from(saved.grey, "base64"), info: { width: saved.width } };
    const then = extract(kept, { ...box, left: box.left - saved.left, top: box.top - saved.top });
    const atSpot = fractionChanged(then, extract(grey, box));
    const around = fractionChangedOutside(kept.data, extract(grey, saved), saved, masks);
    const difference = Math.max(atSpot, around);
    if (difference > worst.difference)
      worst = { difference, where, changed: difference > limits.aroundTarget };
  }
  return worst;
}

type Box = { left: number; top: number; width: number; height: number };

function contains(outer: Box, inner: Box): boolean {
  return (
    inner.left >= outer.left &&
    inner.top >= outer.top &&
    inner.left + inner.width <= outer.left + outer.width &&
    inner.top + inner.height <= outer.top + outer.height
  );
}

/** The fraction of a crop's pixels that changed, counting only pixels outside `masks`. */
function fractionChangedOutside(
  then: Buffer,
  now: Buffer,
  area: Box,
  masks: readonly Box[],
): number {
  let compared = 0;
  let changed = 0;
  for (let row = 0; row < area.height; row += 1) {
    const y = area.top + row;
    for (let column = 0; column < area.width; column += 1) {
      const x = area.left + column;
      if (
        masks.some((m) => x >= m.left && x < m.left + m.width && y >= m.top && y < m.top + m.height)
      )
        continue;
      compared += 1;
      const i = row * area.width + column;
      if (Math.abs(then[i]! - now[i]!) > tolerance) changed += 1;
    }
  }
  return compared === 0 ? 0 : changed / compared;
}

function uniqueTargets(targets: readonly Coordinate[]): Coordinate[] {
  const seen = new Set<string>();
  return targets.filter(([x, y]) => {
    const key = `${x},${y}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A box of `size` centred on a point, moved inside the screen. */
function boxAround(
  [x, y]: Coordinate,
  size: { width: number; height: number },
  width: number,
  height: number,
) {
  const w = Math.min(size.width, width);
  const h = Math.min(size.height, height);
  const left = Math.min(Math.max(0, x - Math.floor(w / 2)), width - w);
  const top = Math.min(Math.max(0, y - Math.floor(h / 2)), height - h);
  return { left, top, width: w, height: h };
}

function extract(
  grey: { data: Buffer; info: { width: number } },
  box: { left: number; top: number; width: number; height: number },
): Buffer {
  const out = Buffer.allocUnsafe(box.width * box.height);
  for (let row = 0; row < box.height; row += 1) {
    const start = (box.top + row) * grey.info.width + box.left;
    grey.data.copy(out, row * box.width, start, start + box.width);
  }
  return out;
}

async function greyPixels(image: Buffer) {
  return sharp(image)
    .removeAlpha()
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
}

async function greyThumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image)
    .removeAlpha()
    .resize(thumbnail.width, thumbnail.height, { fit: "fill" })
    .toColourspace("b-w")
    .raw()
    .toBuffer();
}

function fractionChanged(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) return 1;
  let changed = 0;
  for (let i = 0; i < a.length; i += 1) if (Math.abs(a[i]! - b[i]!) > tolerance) changed += 1;
  return changed / a.length;
}

/**
 * The screen-change check as the gate uses it: a baseline kept as JSON text, compared
 * with a later screenshot.
 */
export function createScreenBinding(limits: ScreenChangeLimits = defaultScreenChangeLimits) {
  return {
    capture: async (shot: { png: Buffer }, targets: readonly Coordinate[]): Promise<string> =>
      JSON.stringify(await captureScreenBaseline(shot.png, targets)),
    compare: (
      baseline: string,
      shot: { png: Buffer },
      targets: readonly Coordinate[] = [],
      options: ScreenCompareOptions = {},
    ): Promise<ScreenComparison> =>
      compareScreenBaseline(
        screenBaselineSchema.parse(JSON.parse(baseline)),
        shot.png,
        limits,
        targets,
        options,
      ),
  };
}
