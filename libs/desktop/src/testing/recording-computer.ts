import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import type { ActionResult, Computer, ScreenSize, Screenshot } from "../computer.ts";

/** Two 4×4 screens, white and black: enough for code that passes screenshots along or compares them. */
export const whiteScreenPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWP4jwQYiOMAANuQL9HsugRzAAAAAElFTkSuQmCC",
  "base64",
);
export const blackScreenPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWNgIB0AAAA0AAEjQ4N1AAAAAElFTkSuQmCC",
  "base64",
);

/**
 * A computer with no screen: records every executed action in order, answers
 * `cursor_position` from the last pointer action, and returns the screen it is shown
 * (`show`; white by default). `failOn` makes chosen actions throw, to test error paths.
 */
export class RecordingComputer implements Computer {
  readonly executed: ComputerAction[] = [];
  screenshotsTaken = 0;
  private pointer: Coordinate = [0, 0];
  private png: Buffer;

  constructor(
    private readonly screen: ScreenSize = { width: 1280, height: 800 },
    private readonly options: { failOn?: (action: ComputerAction) => boolean; png?: Buffer } = {},
  ) {
    this.png = options.png ?? whiteScreenPng;
  }

  /** The pointer is moved by something other than an action (a program, a person). */
  movePointer(to: Coordinate): void {
    this.pointer = to;
  }

  /** What every screenshot from now on returns. */
  show(png: Buffer): void {
    this.png = png;
  }

  modelScreen(): ScreenSize {
    return this.screen;
  }

  async execute(action: ComputerAction): Promise<ActionResult> {
    if (this.options.failOn?.(action)) throw new Error(`scripted failure for ${action.action}`);
    this.executed.push(action);
    if ("coordinate" in action && action.coordinate) this.pointer = action.coordinate;
    switch (action.action) {
      case "cursor_position":
        return { kind: "cursor", position: this.pointer };
      case "screenshot":
      case "zoom":
        return { kind: "image", image: await this.screenshot() };
      default:
        return { kind: "done" };
    }
  }

  async pointerPosition(): Promise<Coordinate> {
    return this.pointer;
  }

  async screenshot(): Promise<Screenshot> {
    this.screenshotsTaken += 1;
    return { png: this.png, ...this.screen };
  }

  async close(): Promise<void> {}
}
