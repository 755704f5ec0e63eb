import { computerActionSchema, type TokenUsage, tokenUsageSchema } from "@deskgate/contracts";
import { z } from "zod";
import { messageSchema } from "./conversation.ts";
import { runOutcomeKinds } from "./run-outcome.ts";

/** A tool call of the latest assistant turn that still needs its answer. */
export const pendingToolUseSchema = z.object({
  toolUseId: z.string(),
  /**
   * "computer" is the only tool offered. A GA toolset tool_use (named after its action,
   * `toolset_name: "computer"`) is read as the same "computer" call with `input.action` set.
   */
  name: z.string(),
  input: z.unknown(),
  /** Set for a toolset member call: its tool_result must name the toolset too. */
  toolset: z.literal("computer").optional(),
  step: z.number().int().min(1),
  rationale: z.string().optional(),
});
export type PendingToolUse = z.infer<typeof pendingToolUseSchema>;

/**
 * Everything needed to continue a run in another process: checkpointed after every step
 * (and before each gate review), so a parked or crashed run resumes exactly where it was.
 */
export const runStateSchema = z.object({
  runId: z.string(),
  task: z.string(),
  startedAt: z.iso.datetime({ offset: true }),
  messages: z.array(messageSchema),
  /** Actions proposed so far (the step number of the latest). */
  step: z.number().int().min(0),
  pending: z.array(pendingToolUseSchema),
  /** tool_result blocks already answered for the current turn, in order. */
  results: z.array(z.looseObject({ type: z.string() })),
  /** Set while an approved action is being executed: if we crash, it may or may not have happened. */
  inFlight: z
    .object({ toolUseId: z.string(), step: z.number().int(), action: computerActionSchema })
    .optional(),
  usage: tokenUsageSchema,
  turns: z.number().int().min(0),
  counts: z.object({
    executed: z.number().int(),
    denied: z.number().int(),
    invalid: z.number().int(),
  }),
  /** Consecutive max_tokens continuations, to stop a model that never finishes. */
  continuations: z.number().int().min(0),
  /** Set once the run has ended: a resumed state that has ended returns the same outcome. */
  end: z
    .object({
      kind: z.enum(runOutcomeKinds),
      reason: z.string(),
      finalText: z.string().optional(),
    })
    .optional(),
});
export type RunState = z.infer<typeof runStateSchema>;

export const emptyUsage: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadInputTokens: 0,
  cacheCreationInputTokens: 0,
};

export function createRunState(input: { runId: string; task: string; now: Date }): RunState {
  return {
    runId: input.runId,
    task: input.task,
    startedAt: input.now.toISOString(),
    messages: [{ role: "user", content: [{ type: "text", text: input.task }] }],
    step: 0,
    pending: [],
    results: [],
    usage: { ...emptyUsage },
    turns: 0,
    counts: { executed: 0, denied: 0, invalid: 0 },
    continuations: 0,
  };
}

export function addUsage(total: TokenUsage, turn: TokenUsage): TokenUsage {
  return {
    inputTokens: total.inputTokens + turn.inputTokens,
    outputTokens: total.outputTokens + turn.outputTokens,
    cacheReadInputTokens: total.cacheReadInputTokens + turn.cacheReadInputTokens,
    cacheCreationInputTokens: total.cacheCreationInputTokens + turn.cacheCreationInputTokens,
  };
}

export function totalTokens(usage: TokenUsage): number {
  return (
    usage.inputTokens +
    usage.outputTokens +
    usage.cacheReadInputTokens +
    usage.cacheCreationInputTokens
  );
}
