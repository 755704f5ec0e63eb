import { redisKeys } from "@deskgate/approvals";
import {
  type ComputerAction,
  type DesktopInputState,
  desktopInputStateSchema,
  initialInputState,
} from "@deskgate/contracts";
import type { Computer } from "@deskgate/desktop";
import { planEffects } from "@deskgate/effects";
import type { Redis } from "@deskgate/redis";

/**
 * A desktop's input state (held button, typed line, last change) in Redis, and the
 * pointer read live from the desktop: what the policy needs to judge the next action's
 * effects. One writer per desktop: the worker that holds its lease.
 */
export class DesktopInputStore {
  constructor(
    private readonly redis: Redis,
    private readonly desktop: string,
  ) {}

  /** The state right now; the pointer from the desktop itself when it answers. */
  async read(computer: Computer): Promise<DesktopInputState> {
    const raw = await this.redis.get(redisKeys.inputState(this.desktop));
    const parsed = raw ? desktopInputStateSchema.safeParse(JSON.parse(raw)) : undefined;
    const stored = parsed?.success ? parsed.data : initialInputState;
    const [pointer, window, windows] = await Promise.all([
      computer.pointerPosition().catch(() => undefined),
      computer.focusedWindow().catch(() => undefined),
      computer.windows().catch(() => undefined),
    ]);
    const { pointer: _pointer, window: _window, windows: _windows, ...rest } = stored;
    return {
      ...rest,
      ...(pointer ? { pointer } : {}),
      ...(window ? { window } : {}),
      ...(windows ? { windows } : {}),
    };
  }

  /**
   * Records the state the action leaves behind, before it runs: if it fails half-way the
   * state errs towards more text typed and a button still held, which only makes the
   * next judgement stricter.
   */
  async willRun(action: ComputerAction, before: DesktopInputState): Promise<void> {
    // The pointer and the windows are read live each time; only the rest is kept.
    const {
      pointer: _pointer,
      window: _window,
      windows: _windows,
      ...after
    } = planEffects(action, before).after;
    await this.redis.set(redisKeys.inputState(this.desktop), JSON.stringify(after));
  }

  /** Every button and key was released (a worker start): nothing is held any more. */
  async released(): Promise<void> {
    const raw = await this.redis.get(redisKeys.inputState(this.desktop));
    const parsed = raw ? desktopInputStateSchema.safeParse(JSON.parse(raw)) : undefined;
    const state = parsed?.success ? parsed.data : initialInputState;
    await this.redis.set(
      redisKeys.inputState(this.desktop),
      JSON.stringify({ ...state, leftButtonHeld: false }),
    );
  }
}
