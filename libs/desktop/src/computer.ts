import type { ComputerAction, Coordinate } from "@deskgate/contracts";

import type { ScreenSize } from "@deskgate/effects";

export type { ScreenSize };

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

/**
 * The port the agent loop and the gate talk to. Coordinates are always in the model's
 * space (`modelScreen()`); adapters scale to the real screen. Input must already be
 * validated with `validateAction` — adapters assume a well-formed, in-range action.
 */
export interface Computer {
  /** The size the model sees (scaled, aspect ratio kept). */
  modelScreen(): ScreenSize;
  execute(action: ComputerAction): Promise<ActionResult>;
  screenshot(): Promise<Screenshot>;
  /**
   * Where the pointer is now, in model coordinates. The gate resolves actions that act
   * "at the pointer" (a click with no coordinate) to this point before deciding on them.
   */
  pointerPosition(): Promise<Coordinate>;
  close(): Promise<void>;
}
