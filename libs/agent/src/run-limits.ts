import type { RunLimits } from "./agent-loop-options.ts";
import type { RunOutcome } from "./run-outcome.ts";
import { type RunState, totalTokens } from "./run-state.ts";

/**
 * The Messages API takes at most 32 MB a request (413 `request_too_large`,
 * https://platform.claude.com/docs/en/api/overview). The conversation may use it all but
 * a margin for the system prompt, the tool definition and the JSON around them.
 */
export const maxConversationBytes = 32 * 1024 * 1024 - 256 * 1024;

/** Before a model call: the first limit the run has reached, in words, or undefined. */
export function limitReached(state: RunState, limits: RunLimits, now: Date): string | undefined {
  if (state.step >= limits.maxSteps) return `step limit (${limits.maxSteps}) reached`;
  if (totalTokens(state.usage) >= limits.maxTokens)
    return `token limit (${limits.maxTokens}) reached`;
  // Only models whose history is not pruned on the client get near it (every screenshot stays).
  if (Buffer.byteLength(JSON.stringify(state.messages)) > maxConversationBytes)
    return "the conversation reached the API's request-size limit (32 MB)";
  return timeLimitReached(state, limits, now);
}

/**
 * Before an action: a call numbered past the step limit (one turn may propose several)
 * or a run whose time ran out (an approval can wait long) is not acted on.
 */
export function actionLimitReached(
  state: RunState,
  step: number,
  limits: RunLimits,
  now: Date,
): string | undefined {
  if (step > limits.maxSteps) return `step limit (${limits.maxSteps}) reached`;
  return timeLimitReached(state, limits, now);
}

function timeLimitReached(state: RunState, limits: RunLimits, now: Date): string | undefined {
  if (now.getTime() - new Date(state.startedAt).getTime() < limits.maxWallMs) return undefined;
  return `time limit (${formatDuration(limits.maxWallMs)}) reached`;
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** The outcome a state describes: its recorded end plus the run's totals. */
export function outcomeOf(state: RunState, end: NonNullable<RunState["end"]>): RunOutcome {
  return {
    kind: end.kind,
    reason: end.reason,
    ...(end.finalText ? { finalText: end.finalText } : {}),
    usage: { ...state.usage },
    steps: state.step,
    turns: state.turns,
    executed: state.counts.executed,
    denied: state.counts.denied,
    invalid: state.counts.invalid,
  };
}
