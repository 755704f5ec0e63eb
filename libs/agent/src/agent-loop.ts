import type { AgentLoopOptions } from "./agent-loop-options.ts";
import { answerInterrupted, answerToolUse, turnHalted } from "./answer-tool-use.ts";
import { applyTurn } from "./apply-turn.ts";
import { callModel } from "./call-model.ts";
import { actionLimitReached, limitReached, outcomeOf } from "./run-limits.ts";
import type { RunOutcome } from "./run-outcome.ts";
import type { RunState } from "./run-state.ts";

export type { AgentLoopOptions, RunLimits } from "./agent-loop-options.ts";

const stopped = { kind: "cancelled", reason: "the run was stopped" } as const;

/**
 * The computer-use loop: ask the model, put every proposed action through the gate, act
 * only on approval, answer each tool_use in order in one user message, repeat.
 *
 * Resumable: `state` is checkpointed after each model turn, before each gate review,
 * around each action and at the end, so a run parked by its gate (which throws — the error
 * propagates untouched) or killed mid-way continues from its last checkpoint. A state that
 * has already ended returns its outcome again without calling anything.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<RunOutcome> {
  const { state } = options;
  const now = options.now ?? (() => new Date());
  if (state.end) return outcomeOf(state, state.end);
  for (;;) {
    await answerInterrupted(options);
    const next = state.pending[0];
    if (next) {
      if (await options.isCancelled()) return end(options, stopped);
      // A halted turn's remaining calls are only answered, never acted on: no limit applies.
      const limit = turnHalted(state)
        ? undefined
        : actionLimitReached(state, next.step, options.limits, now());
      if (limit) return end(options, { kind: "stopped", reason: limit });
      const answer = await answerToolUse(next, options);
      if (answer.kind === "end") return end(options, { kind: "cancelled", reason: answer.reason });
      state.results.push(answer.block);
      state.pending.shift();
      await options.checkpoint(state);
      continue;
    }
    if (state.results.length > 0) {
      state.messages.push({ role: "user", content: state.results });
      state.results = [];
    }
    const limit = limitReached(state, options.limits, now());
    if (limit) return end(options, { kind: "stopped", reason: limit });
    if (await options.isCancelled()) return end(options, stopped);
    const call = await callModel(options, now);
    if (call.kind === "end") return end(options, { kind: call.end, reason: call.reason });
    options.onEvent?.({
      type: "turn.completed",
      turn: state.turns + 1,
      stopReason: call.turn.stopReason,
      usage: call.turn.usage,
    });
    const ended = applyTurn(state, call.turn);
    if (ended) return end(options, ended);
    await options.checkpoint(state);
  }
}

async function end(
  options: AgentLoopOptions,
  reached: NonNullable<RunState["end"]>,
): Promise<RunOutcome> {
  options.state.end = reached;
  await options.checkpoint(options.state);
  options.logger.info({ kind: reached.kind, reason: reached.reason }, "run ended");
  return outcomeOf(options.state, reached);
}
