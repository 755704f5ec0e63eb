import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import sharp, { type Sharp } from "sharp";
import type { Screenshot } from "./computer.ts";

const colour = "#ff1f5a";

function markAt([x, y]: Coordinate, label: string): string {
  return `<circle cx="${x}" cy="${y}" r="18" fill="none" stroke="${colour}" stroke-width="4"/>
    <line x1="${x - 30}" y1="${y}" x2="${x + 30}" y2="${y}" stroke="${colour}" stroke-width="2"/>
    <line x1="${x}" y1="${y - 30}" x2="${x}" y2="${y + 30}" stroke="${colour}" stroke-width="2"/>
    ${labelAt([x + 24, y - 24], label)}`;
}

function arrow([x0, y0]: Coordinate, [x1, y1]: Coordinate): string {
  return `<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}" stroke="${colour}" stroke-width="4" marker-end="url(#head)"/>`;
}

function labelAt([x, y]: Coordinate, text: string): string {
  const safe = text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const width = 12 + safe.length * 9;
  return `<rect x="${x}" y="${y - 18}" width="${width}" height="24" rx="4" fill="${colour}"/>
    <text x="${x + 6}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="15" fill="#fff">${safe}</text>`;
}

const scrollVectors = { up: [0, -60], down: [0, 60], left: [-60, 0], right: [60, 0] } as const;

/**
 * The SVG marks for one action, or undefined when it has no place on screen. `number`: a
 * plan's step, put in front of each label so the card's list and the picture match.
 */
export function actionOverlay(
  action: ComputerAction,
  cursor?: Coordinate,
  number?: number,
): string | undefined {
  return overlayOf(action, cursor, number === undefined ? "" : `${number} · `);
}

function overlayOf(
  action: ComputerAction,
  cursor: Coordinate | undefined,
  prefix: string,
): string | undefined {
  const crosshair = (point: Coordinate, label: string) => markAt(point, `${prefix}${label}`);
  switch (action.action) {
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click":
    case "mouse_move":
    case "left_mouse_down":
    case "left_mouse_up": {
      const point = action.coordinate ?? cursor;
      return point ? crosshair(point, action.action.replace(/_/g, " ")) : undefined;
    }
    case "left_click_drag":
      return `${crosshair(action.start_coordinate, "drag from")}${arrow(action.start_coordinate, action.coordinate)}`;
    case "scroll": {
      const point = action.coordinate ?? cursor;
      if (!point) return undefined;
      const [dx, dy] = scrollVectors[action.scroll_direction];
      return `${crosshair(point, `scroll ${action.scroll_direction} ×${action.scroll_amount}`)}${arrow(point, [point[0] + dx, point[1] + dy])}`;
    }
    case "zoom": {
      const [x0, y0, x1, y1] = action.region;
      return `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="${colour}" stroke-width="4" stroke-dasharray="10 6"/>${labelAt([x0 + 4, y0 + 26], `${prefix}zoom`)}`;
    }
    case "key":
    case "type":
    case "hold_key":
      return cursor
        ? crosshair(cursor, action.action === "type" ? "typing here" : `press ${action.text}`)
        : undefined;
    case "wait":
    case "screenshot":
    case "cursor_position":
      return undefined;
  }
}

/**
 * The screenshot an approver sees: the target marked (crosshair at the click point, the
 * drag path as an arrow, the zoom region as a box, the cursor for keyboard actions).
 */
export async function annotateScreenshot(
  screenshot: Screenshot,
  action: ComputerAction,
  options: { cursor?: Coordinate; format?: "png" | "jpeg" } = {},
): Promise<Buffer> {
  return drawMarks(screenshot, actionOverlay(action, options.cursor), options.format);
}

/** One mark per step of a plan, each labelled with its number (1, 2, …). */
export interface PlanMark {
  action: ComputerAction;
  /** Where the pointer is expected to be when the step runs (keyboard steps mark it). */
  cursor?: Coordinate | undefined;
}

/**
 * A card's screenshot: each step's target marked, numbered 1, 2, … when there are several
 * (a plan), so the card's list and the picture match.
 */
export async function annotatePlanScreenshot(
  screenshot: Screenshot,
  steps: readonly PlanMark[],
  options: { format?: "png" | "jpeg" } = {},
): Promise<Buffer> {
  const numbered = steps.length > 1;
  const marks = steps
    .map((step, index) => actionOverlay(step.action, step.cursor, numbered ? index + 1 : undefined))
    .filter((mark): mark is string => mark !== undefined)
    .join("");
  return drawMarks(screenshot, marks || undefined, options.format);
}

async function drawMarks(
  screenshot: Screenshot,
  marks: string | undefined,
  format: "png" | "jpeg" | undefined,
): Promise<Buffer> {
  const encode = (image: Sharp) =>
    // JPEG for cards: a person looks at it on a phone; a fraction of the PNG's bytes to upload.
    format === "jpeg"
      ? image.jpeg({ quality: 80, mozjpeg: false }).toBuffer()
      : image.png({ compressionLevel: 3, adaptiveFiltering: false }).toBuffer();
  if (!marks) return format === "jpeg" ? encode(sharp(screenshot.png)) : screenshot.png;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${screenshot.width}" height="${screenshot.height}">
    <defs><marker id="head" markerWidth="10" markerHeight="10" refX="6" refY="5" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker></defs>${marks}</svg>`;
  return encode(sharp(screenshot.png).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]));
}
