import type { ComputerAction } from "@deskgate/contracts";
import type { AgentLoopOptions } from "./agent-loop-options.ts";
import type { ContentBlock } from "./conversation.ts";
import type { PendingToolUse } from "./run-state.ts";
import { errorResult, successResult } from "./tool-results.ts";

/** The tool_result for one tool_use, or the end of the run (a stop, or the gate said cancel). */
export type ToolUseAnswer =
  | { kind: "result"; block: ContentBlock }
  | { kind: "end"; reason: string };

/** How often the run's stop is looked for while an action runs (the worker reads Redis). */
const defaultStopPollMs = 250;

/**
 * Marks the action in flight (checkpointed) before touching the desktop, so a crash in
 * between is reported to the model on resume instead of being replayed. While the action
 * runs, the run's stop is polled; a stop aborts the action's signal, the desktop stops at
 * its next safe point, held input is released, and the run ends — nothing more happens on
 * the desktop. The caller checkpoints again once the result is recorded.
 */
export async function executeApproved(
  call: PendingToolUse,
  action: ComputerAction,
  note: string | undefined,
  options: AgentLoopOptions,
): Promise<ToolUseAnswer> {
  const { state, computer } = options;
  state.inFlight = { toolUseId: call.toolUseId, step: call.step, action };
  await options.checkpoint(state);
  const started = Date.now();
  const report = (ok: boolean, error?: string) =>
    options.onEvent?.({
      type: "action.executed",
      step: call.step,
      action,
      ok,
      ...(error === undefined ? {} : { error }),
      durationMs: Date.now() - started,
    });
  const watch = watchForStop(options.isCancelled, options.stopPollMs ?? defaultStopPollMs);
  try {
    const output = await computer.execute(action, { signal: watch.signal });
    state.counts.executed += 1;
    report(true);
    return { kind: "result", block: await successResult(call.toolUseId, output, computer, note) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    report(false, message);
    if (watch.signal.aborted) {
      await computer.releaseAllInput().catch((error: unknown) => {
        options.logger.warn({ err: error }, "releasing held input failed");
      });
      return { kind: "end", reason: "the run was stopped" };
    }
    const block = errorResult(call.toolUseId, `The ${action.action} action failed: ${message}`);
    return { kind: "result", block };
  } finally {
    watch.close();
    delete state.inFlight;
  }
}

function watchForStop(isCancelled: () => Promise<boolean>, everyMs: number) {
  const controller = new AbortController();
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    isCancelled()
      .then((cancelled) => {
        if (cancelled) controller.abort(new Error("the run was stopped"));
      })
      .catch(() => undefined)
      .finally(() => {
        checking = false;
      });
  }, everyMs);
  return { signal: controller.signal, close: () => clearInterval(timer) };
}
