import type { Logger } from "@deskgate/core";
import type { Computer } from "@deskgate/desktop";
import type { ActionValidation, ScreenSize } from "@deskgate/effects";
import type { AgentModel } from "./agent-model.ts";
import type { ApprovalGate } from "./approval-gate.ts";
import type { ModelRetryPolicy } from "./call-model.ts";
import type { AgentEvent } from "./run-outcome.ts";
import type { RunState } from "./run-state.ts";

export interface RunLimits {
  /** Actions proposed (valid or not) before the run stops. */
  maxSteps: number;
  /** Wall time from `state.startedAt`, across parks and restarts. */
  maxWallMs: number;
  /** Input + output + cache tokens over the whole run. */
  maxTokens: number;
  /** Screenshots kept in the conversation; older ones become a short placeholder. */
  keepScreenshots: number;
}

export interface AgentLoopOptions {
  /** Mutated in place as the run goes; every checkpoint gets this object. */
  state: RunState;
  model: AgentModel;
  computer: Computer;
  gate: ApprovalGate;
  /** Defaults to `validateAction` from @deskgate/effects, the check every path uses. */
  validate?: (input: unknown, screen: ScreenSize) => ActionValidation;
  /** Persist the state; awaited before the loop goes on. */
  checkpoint: (state: RunState) => Promise<void>;
  /** Whether the run was stopped; also polled while an action runs, to cut it short. */
  isCancelled: () => Promise<boolean>;
  /** How often `isCancelled` is polled during an action (default 250 ms). */
  stopPollMs?: number;
  limits: RunLimits;
  /** What this desktop offers, told to the model in the system prompt. */
  desktopNotes?: string;
  logger: Logger;
  now?: () => Date;
  /** Waits between model attempts during an outage; `defaultModelRetry` when absent. */
  modelRetry?: ModelRetryPolicy;
  onEvent?: (event: AgentEvent) => void;
}
