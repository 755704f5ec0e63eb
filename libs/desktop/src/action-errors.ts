import { AppError } from "@deskgate/core";

/**
 * An action that did not run to its end: the run was stopped (`stopped`) or the action
 * ran past the adapter's time cap (`timed_out`), or it failed part-way (`failed`).
 * `progress` says what did happen, in words for the model ("typed 3 of 7 characters:
 * "caf""), so a retry does not repeat what is already on the screen.
 */
export class ActionInterruptedError extends AppError {
  override readonly name = "ActionInterruptedError";

  constructor(
    readonly reason: "stopped" | "timed_out" | "failed",
    message: string,
    readonly progress: string | undefined,
    cause?: unknown,
  ) {
    super(`action_${reason}`, progress ? `${message}; ${progress}` : message, { cause });
  }
}

/** Why an action's signal fired: the run's stop, or the adapter's own time cap. */
export function interruption(signal: AbortSignal): "stopped" | "timed_out" {
  return signal.reason instanceof ActionTimeout ? "timed_out" : "stopped";
}

/** The abort reason of an action's time cap. */
export class ActionTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`the action ran longer than its limit of ${limitMs / 1000} s`);
  }
}
