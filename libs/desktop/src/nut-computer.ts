import { setTimeout as sleep } from "node:timers/promises";
import type { ComputerAction, Coordinate, DesktopWindow } from "@deskgate/contracts";
import { AppError, type Logger } from "@deskgate/core";
import { actionSignal, throwIfInterrupted } from "./action-signal.ts";
import type {
  ActionOptions,
  ActionResult,
  Computer,
  ScreenSize,
  Screenshot,
  ScreenshotOptions,
} from "./computer.ts";
import { assertDisplayReachable } from "./display-check.ts";
import { parseKeySequence } from "./key-names.ts";
import { CoordinateScaler, type ImageLimits } from "./scaling.ts";
import { captureRegion, captureScreenshot } from "./screen-capture.ts";
import { typeText } from "./type-text.ts";
import { windowsOn } from "./x-windows.ts";
import {
  type FocusedWindow,
  focusedWindowOn,
  releaseEverything,
  type Xdotool,
  xdotoolFor,
} from "./xdotool.ts";

type NutJs = typeof import("@nut-tree-fork/nut-js");

const dragSteps = 12;

export interface NutComputerOptions {
  display: string;
  logger: Logger;
  /**
   * Longest one action may run (default 2 min): a `type` of 10,000 non-ASCII characters
   * would otherwise hold the desktop for ~27 min. Past it the action stops at its next
   * safe point and fails, saying what it did.
   */
  maxActionMs?: number;
  /** The model's image limits (from the agent's tool table); screenshots fit inside them. */
  imageLimits?: ImageLimits;
}

/**
 * Opens the X display named by `display` and returns a Computer driving it with nut-js.
 * Checks the display first: nut-js would segfault the process without one.
 */
export async function createNutComputer(options: NutComputerOptions): Promise<Computer> {
  await assertDisplayReachable(options.display);
  // libnut opens the display named by the process's DISPLAY, so it must match.
  process.env.DISPLAY = options.display;
  const nut: NutJs = await import("@nut-tree-fork/nut-js");
  nut.mouse.config.autoDelayMs = 0;
  nut.keyboard.config.autoDelayMs = 0;
  const screen = { width: await nut.screen.width(), height: await nut.screen.height() };
  const scaler = new CoordinateScaler(screen, options.imageLimits);
  options.logger.info({ display: options.display, screen, model: scaler.model }, "desktop opened");
  return new NutComputer(
    nut,
    scaler,
    xdotoolFor(options.display),
    options.maxActionMs ?? 120_000,
    options.display,
  );
}

class NutComputer implements Computer {
  constructor(
    private readonly nut: NutJs,
    private readonly scaler: CoordinateScaler,
    private readonly xdotool: Xdotool,
    private readonly maxActionMs: number,
    private readonly display: string,
  ) {}

  modelScreen(): ScreenSize {
    return this.scaler.model;
  }

  async screenshot(options: ScreenshotOptions = {}): Promise<Screenshot> {
    return captureScreenshot(this.nut.screen, this.scaler.model, options.purpose ?? "model");
  }

  async pointerPosition(): Promise<Coordinate> {
    const point = await this.nut.mouse.getPosition();
    return this.scaler.toModel([point.x, point.y]);
  }

  async releaseAllInput(): Promise<void> {
    await this.xdotool([...releaseEverything]);
  }

  focusedWindow(): Promise<FocusedWindow | undefined> {
    return focusedWindowOn(this.display);
  }

  async windows(): Promise<DesktopWindow[] | undefined> {
    const listed = await windowsOn(this.display);
    return listed?.map((window) => {
      const [x0, y0] = this.scaler.toModel([window.x, window.y]);
      const [x1, y1] = this.scaler.toModel([window.x + window.width, window.y + window.height]);
      return {
        id: window.id,
        title: window.title,
        className: window.className,
        rect: [x0, y0, x1 - x0, y1 - y0],
      };
    });
  }

  async close(): Promise<void> {
    // Release anything a failed action may have left held down.
    await this.releaseAllInput().catch(() => undefined);
  }

  async execute(action: ComputerAction, options: ActionOptions = {}): Promise<ActionResult> {
    const { signal, done } = actionSignal(options.signal, this.maxActionMs);
    try {
      throwIfInterrupted(signal);
      return await this.perform(action, signal);
    } catch (err) {
      // An abortable wait rejects with a plain AbortError: say why it was cut short.
      if (signal.aborted && !(err instanceof AppError)) throwIfInterrupted(signal);
      throw err;
    } finally {
      done();
    }
  }

  private async perform(action: ComputerAction, signal: AbortSignal): Promise<ActionResult> {
    const { mouse, Button } = this.nut;
    switch (action.action) {
      case "key": {
        const times = action.repeat ?? 1;
        for (let press = 0; press < times; press += 1) {
          throwIfInterrupted(signal, `pressed ${press} of ${times} times`);
          await this.pressSequence(action.text);
        }
        return { kind: "done" };
      }
      case "type":
        await typeText(action.text, this.xdotool, signal);
        return { kind: "done" };
      case "mouse_move":
        await this.moveTo(action.coordinate);
        return { kind: "done" };
      case "left_click":
      case "right_click":
      case "middle_click":
      case "double_click":
      case "triple_click":
        await this.withHeldKeys(action.text, async () => {
          if (action.coordinate) await this.moveTo(action.coordinate);
          await this.click(action.action);
        });
        return { kind: "done" };
      case "left_click_drag":
        await this.drag(action.start_coordinate, action.coordinate, signal);
        return { kind: "done" };
      case "left_mouse_down":
        if (action.coordinate) await this.moveTo(action.coordinate);
        await mouse.pressButton(Button.LEFT);
        return { kind: "done" };
      case "left_mouse_up":
        if (action.coordinate) await this.moveTo(action.coordinate);
        await mouse.releaseButton(Button.LEFT);
        return { kind: "done" };
      case "scroll":
        await this.withHeldKeys(action.text, async () => {
          if (action.coordinate) await this.moveTo(action.coordinate);
          await this.scroll(action.scroll_direction, action.scroll_amount);
        });
        return { kind: "done" };
      case "hold_key":
        await this.holding(this.keysOf(action.text).flat(), () =>
          sleep(action.duration * 1000, undefined, { signal }),
        );
        return { kind: "done" };
      case "wait":
        await sleep(action.duration * 1000, undefined, { signal });
        return { kind: "done" };
      case "screenshot":
        return { kind: "image", image: await this.screenshot() };
      case "cursor_position":
        return { kind: "cursor", position: await this.pointerPosition() };
      case "zoom":
        return {
          kind: "image",
          image: await captureRegion(
            this.nut.screen,
            this.scaler.regionToScreen(action.region),
            this.scaler.model,
          ),
        };
    }
  }

  private async moveTo(coordinate: Coordinate): Promise<void> {
    const [x, y] = this.scaler.toScreen(coordinate);
    await this.nut.mouse.setPosition(new this.nut.Point(x, y));
  }

  private async click(
    kind: "left_click" | "right_click" | "middle_click" | "double_click" | "triple_click",
  ) {
    const { mouse, Button } = this.nut;
    if (kind === "right_click") return mouse.click(Button.RIGHT);
    if (kind === "middle_click") return mouse.click(Button.MIDDLE);
    const count = kind === "double_click" ? 2 : kind === "triple_click" ? 3 : 1;
    for (let i = 0; i < count; i += 1) {
      await mouse.pressButton(Button.LEFT);
      await mouse.releaseButton(Button.LEFT);
    }
  }

  private async drag(from: Coordinate, to: Coordinate, signal: AbortSignal): Promise<void> {
    const { mouse, Button, Point } = this.nut;
    const [x0, y0] = this.scaler.toScreen(from);
    const [x1, y1] = this.scaler.toScreen(to);
    await mouse.setPosition(new Point(x0, y0));
    await mouse.pressButton(Button.LEFT);
    try {
      // Intermediate positions, so applications see a drag rather than a jump.
      for (let step = 1; step <= dragSteps; step += 1) {
        throwIfInterrupted(signal, "the drag was cut short with the button released");
        const t = step / dragSteps;
        await mouse.setPosition(
          new Point(Math.round(x0 + (x1 - x0) * t), Math.round(y0 + (y1 - y0) * t)),
        );
        await sleep(5);
      }
    } finally {
      await mouse.releaseButton(Button.LEFT);
    }
  }

  private async scroll(direction: "up" | "down" | "left" | "right", amount: number): Promise<void> {
    const { mouse } = this.nut;
    if (direction === "up") await mouse.scrollUp(amount);
    else if (direction === "down") await mouse.scrollDown(amount);
    else if (direction === "left") await mouse.scrollLeft(amount);
    else await mouse.scrollRight(amount);
  }

  private keysOf(text: string) {
    const parsed = parseKeySequence(text);
    if (!parsed.ok) throw new AppError("invalid_key", parsed.message);
    return parsed.combos.map((combo) =>
      combo.map((name) => {
        const key = this.nut.Key[name as keyof typeof this.nut.Key];
        // A name nut-js lacks would reach libnut as `undefined` and press nothing.
        if (key === undefined) throw new AppError("invalid_key", `nut-js has no key ${name}`);
        return key;
      }),
    );
  }

  private async pressSequence(text: string): Promise<void> {
    for (const keys of this.keysOf(text)) await this.holding(keys, async () => undefined);
  }

  private async withHeldKeys(text: string | undefined, act: () => Promise<void>): Promise<void> {
    if (!text) return act();
    await this.holding(this.keysOf(text).flat(), act);
  }

  /**
   * Presses `keys` one at a time, acts, releases them in reverse. One key per nut-js call:
   * given several, nut-js treats all but one as modifiers and silently skips any that is
   * not (ctrl+a would leave "a" held down, auto-repeating).
   */
  private async holding(keys: number[], act: () => Promise<unknown>): Promise<void> {
    const { keyboard } = this.nut;
    const pressed: number[] = [];
    try {
      for (const key of keys) {
        await keyboard.pressKey(key);
        pressed.push(key);
      }
      await act();
    } finally {
      for (const key of pressed.reverse()) await keyboard.releaseKey(key);
    }
  }
}
