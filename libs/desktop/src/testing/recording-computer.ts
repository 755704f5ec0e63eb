import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import type { ActionResult, Computer, ScreenSize, Screenshot } from "../computer.ts";

/** A 1×1 transparent PNG, enough for code that only passes screenshots along. */
const tinyPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/**
 * A computer with no screen: records every executed action in order, answers
 * `cursor_position` from the last pointer action, and returns a fixed screenshot.
 * `failOn` makes chosen actions throw, to test error paths.
 */
export class RecordingComputer implements Computer {
  readonly executed: ComputerAction[] = [];
  screenshotsTaken = 0;
  private pointer: Coordinate = [0, 0];

  constructor(
    private readonly screen: ScreenSize = { width: 1280, height: 800 },
    private readonly options: { failOn?: (action: ComputerAction) => boolean; png?: Buffer } = {},
  ) {}

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
    return { png: this.options.png ?? tinyPng, ...this.screen };
  }

  async close(): Promise<void> {}
}
