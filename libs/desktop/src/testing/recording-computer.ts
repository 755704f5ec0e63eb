import { setTimeout as sleep } from "node:timers/promises";
import type { ComputerAction, Coordinate, DesktopWindow } from "@deskgate/contracts";
import { ActionInterruptedError } from "../action-errors.ts";
import type {
  ActionOptions,
  ActionResult,
  Computer,
  FocusedWindow,
  ScreenSize,
  Screenshot,
} from "../computer.ts";

/** Two 4×4 screens, white and black: enough for code that passes screenshots along or compares them. */
export const whiteScreenPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWP4jwQYiOMAANuQL9HsugRzAAAAAElFTkSuQmCC",
  "base64",
);
export const blackScreenPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWNgIB0AAAA0AAEjQ4N1AAAAAElFTkSuQmCC",
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
 * `cursor_position` from the last pointer action, and returns the screen it is shown
 * (`show`; white by default). An action given a duration honours its stop signal as the
 * real adapter does; `stopped` lists the actions cut short.
 */
export class RecordingComputer implements Computer {
  readonly executed: ComputerAction[] = [];
  readonly stopped: ComputerAction[] = [];
  screenshotsTaken = 0;
  inputReleases = 0;
  private pointer: Coordinate = [0, 0];
  private png: Buffer;

  constructor(
    private readonly screen: ScreenSize = { width: 1280, height: 800 },
    private readonly options: RecordingComputerOptions = {},
  ) {
    this.png = options.png ?? whiteScreenPng;
  }

  /** The window with the keyboard; tests change it to show a window taking the focus. */
  window: FocusedWindow | undefined = { id: "4194305", title: "Terminal", className: "XTerm" };

  async focusedWindow(): Promise<FocusedWindow | undefined> {
    return this.window;
  }

  /**
   * The windows on screen, top-most first; by default the focused window filling the
   * screen. Tests set it to put another window under a click.
   */
  windowList: DesktopWindow[] | undefined;

  async windows(): Promise<DesktopWindow[] | undefined> {
    if (this.windowList) return this.windowList;
    if (!this.window) return [];
    return [{ ...this.window, rect: [0, 0, this.screen.width, this.screen.height] }];
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
    return { png: this.png, ...this.screen };
  }

  async releaseAllInput(): Promise<void> {
    this.inputReleases += 1;
  }

  async close(): Promise<void> {}
}
