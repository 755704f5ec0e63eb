import { ActionInterruptedError, ActionTimeout, interruption } from "./action-errors.ts";

/**
 * The signal one action runs under: the caller's (the run's stop) or the adapter's time
 * cap, whichever fires first. `done()` clears the timer.
 */
export function actionSignal(
  caller: AbortSignal | undefined,
  limitMs: number,
): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ActionTimeout(limitMs)), limitMs);
  const forward = () => controller.abort(caller?.reason);
  if (caller?.aborted) forward();
  else caller?.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", forward);
    },
  };
}

/** Throws the ActionInterruptedError for `signal` once it has fired; `progress` says what was done. */
export function throwIfInterrupted(signal: AbortSignal, progress?: string): void {
  if (!signal.aborted) return;
  const reason = interruption(signal);
  const message = reason === "timed_out" ? (signal.reason as Error).message : "the run was stopped";
  throw new ActionInterruptedError(reason, message, progress);
}
