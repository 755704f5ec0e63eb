import type { ComputerAction, TokenUsage } from "@deskgate/contracts";

export const runOutcomeKinds = ["finished", "stopped", "refused", "cancelled", "failed"] as const;
export type RunOutcomeKind = (typeof runOutcomeKinds)[number];

/**
 * How a run's loop ended. Exhaustive: `switch` on `kind`. `finished`: the model ended its
 * turn; `stopped`: a limit was hit; `refused`: stop_reason "refusal"; `cancelled`: someone
 * stopped the run; `failed`: the model API could not be used.
 */
export interface RunOutcome {
  kind: RunOutcomeKind;
  /** In words, for the thread's summary: "the model finished", "step limit (50) reached", … */
  reason: string;
  /** The model's text of its last turn, when it gave one. */
  finalText?: string;
  usage: TokenUsage;
  /** Actions proposed (each tool_use counts, valid or not). */
  steps: number;
  /** Model calls that returned a turn. */
  turns: number;
  executed: number;
  denied: number;
  invalid: number;
}

/** Progress reports for the caller (audit, metrics); never needed for correctness. */
export type AgentEvent =
  | { type: "turn.completed"; turn: number; stopReason: string; usage: TokenUsage }
  | { type: "action.invalid"; step: number; message: string }
  | {
      type: "action.executed";
      step: number;
      action: ComputerAction;
      ok: boolean;
      error?: string;
      durationMs: number;
    }
  | { type: "action.interrupted"; step: number; action: ComputerAction }
  | { type: "model.retrying"; attempt: number; error: string };
