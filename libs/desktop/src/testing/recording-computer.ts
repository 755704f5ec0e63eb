import { setTimeout as sleep } from "node:timers/promises";
import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import { ActionInterruptedError } from "../action-errors.ts";
import type { ActionOptions, ActionResult, Computer, ScreenSize, Screenshot } from "../computer.ts";

/** A 1×1 transparent PNG, enough for code that only passes screenshots along. */
const tinyPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

export interface RecordingComputerOptions {
  /** Makes chosen actions throw, to test error paths. */
  failOn?: (action: ComputerAction) => boolean;
  /** How long an action takes, in ms (default 0); a stop cuts it short. */
  durationMs?: (action: ComputerAction) => number;
  png?: Buffer;
}

/**
 * A computer with no screen: records every executed action in order, answers
 * `cursor_position` from the last pointer action, and returns a fixed screenshot. An
 * action given a duration honours its stop signal as the real adapter does; `stopped`
 * lists the actions cut short.
 */
export class RecordingComputer implements Computer {
  readonly executed: ComputerAction[] = [];
  readonly stopped: ComputerAction[] = [];
  screenshotsTaken = 0;
  inputReleases = 0;
  private pointer: Coordinate = [0, 0];

  constructor(
    private readonly screen: ScreenSize = { width: 1280, height: 800 },
    private readonly options: RecordingComputerOptions = {},
  ) {}

  modelScreen(): ScreenSize {
    return this.screen;
  }

  async execute(action: ComputerAction, options: ActionOptions = {}): Promise<ActionResult> {
    if (this.options.failOn?.(action)) throw new Error(`scripted failure for ${action.action}`);
    const durationMs = this.options.durationMs?.(action) ?? 0;
    if (durationMs > 0) {
      try {
        await sleep(durationMs, undefined, { signal: options.signal });
      } catch {
        this.stopped.push(action);
        throw new ActionInterruptedError("stopped", "the run was stopped", undefined);
      }
    }
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

  async releaseAllInput(): Promise<void> {
    this.inputReleases += 1;
  }

  async close(): Promise<void> {}
}
