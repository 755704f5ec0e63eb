import type { ComputerAction } from "@deskgate/contracts";

/**
 * One action of a scripted task, labelled by what it does in the world: `consequential`
 * when it runs a command (Enter after typing one), submits, sends, deletes, closes unsaved
 * work, saves and closes, or types into a password field.
 */
export interface ScriptedAction {
  action: ComputerAction;
  consequential: boolean;
}

/** One model turn: the model's words, then its tool calls, batched as one reply. */
export interface ScriptedTurn {
  text: string;
  actions: ScriptedAction[];
}

/** A task set up on a display: what the model will do there, and how to check it was done. */
export interface OpenedTask {
  turns: ScriptedTurn[];
  /** The model's closing words. */
  finalText: string;
  /** What is wrong with the real outcome (files on disk, what a form received); empty when done. */
  verify(): Promise<string[]>;
  close(): Promise<void>;
}

export interface DecisionTask {
  name: string;
  /** What the requester types after `/agent start`; unique among the tasks. */
  prompt: string;
  /** Starts the task's programs on `display` and scripts the model from their real windows. */
  open(display: string): Promise<OpenedTask>;
}

/** An action that changes nothing beyond the screen's own state. */
export function routine(action: ComputerAction): ScriptedAction {
  return { action, consequential: false };
}

/** An action with consequences: see ScriptedAction. */
export function consequential(action: ComputerAction): ScriptedAction {
  return { action, consequential: true };
}

/** Every scripted action of the task, in the order the model proposes them (step 1 first). */
export function scriptedActions(turns: readonly ScriptedTurn[]): ScriptedAction[] {
  return turns.flatMap((turn) => turn.actions);
}
