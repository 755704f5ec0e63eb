import { AppError } from "@deskgate/core";
import pRetry, { AbortError } from "p-retry";
import type { AgentLoopOptions } from "./agent-loop-options.ts";
import type { ModelTurn } from "./agent-model.ts";
import { pruneScreenshots } from "./conversation.ts";
import { systemPrompt } from "./system-prompt.ts";

export type ModelCall =
  | { kind: "turn"; turn: ModelTurn }
  | { kind: "end"; end: "failed" | "cancelled"; reason: string };

/** Waits between model attempts once the SDK's own retries are spent, in milliseconds. */
export interface ModelRetryPolicy {
  /** Before the second attempt; each later wait doubles. */
  firstDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/** 1 s, 2 s, 4 s, … capped at one minute. */
export const defaultModelRetry: ModelRetryPolicy = { firstDelayMs: 1_000, maxDelayMs: 60_000 };

class RunStopped extends Error {}

/**
 * One model turn. The SDK already retries 429/5xx/529 and connection errors a few times;
 * when those are spent on a retryable error, p-retry waits (exponential backoff, no jitter:
 * one worker per desktop makes no thundering herd) and tries again until the run's wall
 * time runs out, so an outage of the API does not fail a run that people are approving.
 * A stop noticed between attempts ends the run as cancelled.
 */
export async function callModel(options: AgentLoopOptions, now: () => Date): Promise<ModelCall> {
  const { state, limits, computer } = options;
  const retry = options.modelRetry ?? defaultModelRetry;
  const deadline = new Date(state.startedAt).getTime() + limits.maxWallMs;
  // A model that binds thinking to the conversation must get it unedited: the API clears.
  if (options.model.context === "client") pruneScreenshots(state.messages, limits.keepScreenshots);
  const screen = computer.modelScreen();
  const request = {
    system: systemPrompt(screen, options.desktopNotes),
    messages: state.messages,
    screen,
    keepScreenshots: limits.keepScreenshots,
  };
  try {
    const turn = await pRetry(
      async (attempt) => {
        if (attempt > 1 && (await options.isCancelled())) throw new AbortError(new RunStopped());
        return options.model.createTurn(request);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 2,
        minTimeout: retry.firstDelayMs,
        maxTimeout: retry.maxDelayMs,
        maxRetryTime: Math.max(0, deadline - now().getTime()),
        shouldRetry: ({ error }) => error instanceof AppError && error.retryable,
        onFailedAttempt: ({ error, attemptNumber }) => {
          if (!(error instanceof AppError && error.retryable)) return;
          options.logger.warn({ err: error, attempt: attemptNumber }, "model api unavailable");
          options.onEvent?.({
            type: "model.retrying",
            attempt: attemptNumber,
            error: error.message,
          });
        },
      },
    );
    return { kind: "turn", turn };
  } catch (err) {
    if (err instanceof RunStopped)
      return { kind: "end", end: "cancelled", reason: "the run was stopped" };
    if (!(err instanceof AppError)) throw err;
    if (!err.retryable) return { kind: "end", end: "failed", reason: err.message };
    return {
      kind: "end",
      end: "failed",
      reason: `the model API stayed unavailable until the run's time limit (${err.message})`,
    };
  }
}
