import type { ComputerAction, Coordinate, DesktopWindow } from "@deskgate/contracts";

import type { ScreenSize } from "@deskgate/effects";
import type { FocusedWindow } from "./xdotool.ts";

export type { FocusedWindow, ScreenSize };

/** A PNG of the screen in the model's coordinate space. */
export interface Screenshot {
  png: Buffer;
  width: number;
  height: number;
}

/** What an action produced for the model, besides the screenshot the loop takes after it. */
export type ActionResult =
  | { kind: "done" }
  /** `cursor_position`: where the pointer is, in model coordinates. */
  | { kind: "cursor"; position: Coordinate }
  /** `screenshot` and `zoom`: the image itself. */
  | { kind: "image"; image: Screenshot };

export interface ActionOptions {
  /**
   * Aborted when the run is stopped. The adapter stops at its next safe point (between
   * typing chunks, key repeats, drag steps; at once during a wait or a held key), releases
   * what it held, and rejects with an `ActionInterruptedError` saying what was done.
   */
  signal?: AbortSignal;
}

export interface ScreenshotOptions {
  purpose?: "model" | "check";
}

/**
 * The port the agent loop and the gate talk to. Coordinates are always in the model's
 * space (`modelScreen()`); adapters scale to the real screen. Input must already be
 * validated with `validateAction` — adapters assume a well-formed, in-range action.
 */
export interface Computer {
  /** The size the model sees (scaled, aspect ratio kept). */
  modelScreen(): ScreenSize;
  execute(action: ComputerAction, options?: ActionOptions): Promise<ActionResult>;
  /**
   * The screen now, in the model's size. `purpose: "model"` (the default) is encoded
   * compactly, for the model's context; `"check"` is a fast truecolour PNG for looks that
   * never reach the model (settling, the approver's card, the screen-change check).
   */
  screenshot(options?: ScreenshotOptions): Promise<Screenshot>;
  /**
   * Where the pointer is now, in model coordinates. The gate resolves actions that act
   * "at the pointer" (a click with no coordinate) to this point before deciding on them.
   */
  pointerPosition(): Promise<Coordinate>;
  /**
   * Releases every key, modifier and mouse button held down on the display, whoever
   * pressed it: a process killed during `hold_key ctrl` leaves Ctrl down on the X server,
   * and the next `type "date"` would arrive as Ctrl+D, Ctrl+A, … Called when a worker
   * starts and when an interrupted action is reported.
   */
  releaseAllInput(): Promise<void>;
  /**
   * The window that has the keyboard now (title and class included), or undefined when the
   * desktop cannot say. The gate asks again when it changed between an approval and a key
   * press: keys would reach another window than the approver saw.
   */
  focusedWindow(): Promise<FocusedWindow | undefined>;
  /**
   * The windows on the screen, top-most first, in model coordinates; undefined when the
   * desktop cannot say. What a click at a point reaches, for rules and grants bound to a
   * window.
   */
  windows(): Promise<DesktopWindow[] | undefined>;
  close(): Promise<void>;
}
