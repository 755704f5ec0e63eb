import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "@deskgate/core";
import type { AgentLoopOptions } from "./agent-loop-options.ts";
import type { ModelTurn } from "./agent-model.ts";
import { pruneScreenshots } from "./conversation.ts";
import { systemPrompt } from "./system-prompt.ts";

export type ModelCall =
  | { kind: "turn"; turn: ModelTurn }
  | { kind: "end"; end: "failed" | "cancelled"; reason: string };

/** Backoff between attempts once the SDK's own retries are spent: 1 s, 2 s, … capped at 1 min. */
export function outageDelayMs(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.min(attempt - 1, 6));
}

/**
 * One model turn. The SDK already retries 429/5xx/529 and connection errors a few times;
 * when those are spent on a retryable error, the run waits and tries again until its wall
 * time runs out, so an outage of the API does not fail a run that people are approving.
 */
export async function callModel(options: AgentLoopOptions, now: () => Date): Promise<ModelCall> {
  const { state, limits, computer } = options;
  pruneScreenshots(state.messages, limits.keepScreenshots);
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const deadline = new Date(state.startedAt).getTime() + limits.maxWallMs;
  const screen = computer.modelScreen();
  for (let attempt = 1; ; attempt += 1) {
    try {
      const turn = await options.model.createTurn({
        system: systemPrompt(screen, options.desktopNotes),
        messages: state.messages,
        screen,
      });
      return { kind: "turn", turn };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (!err.retryable) return { kind: "end", end: "failed", reason: err.message };
      const delayMs = outageDelayMs(attempt);
      if (now().getTime() + delayMs >= deadline) {
        return {
          kind: "end",
          end: "failed",
          reason: `the model API stayed unavailable until the run's time limit (${err.message})`,
        };
      }
      options.logger.warn({ err, attempt, delayMs }, "model api unavailable; retrying");
      options.onEvent?.({ type: "model.retrying", attempt, delayMs, error: err.message });
      await sleep(delayMs);
      if (await options.isCancelled())
        return { kind: "end", end: "cancelled", reason: "the run was stopped" };
    }
  }
}
