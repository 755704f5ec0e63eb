import {
  type AgentEvent,
  type AgentModel,
  createRunState,
  type RunLimits,
  type RunOutcome,
  runAgentLoop,
  runStateSchema,
} from "@deskgate/agent";
import { type ApprovalBackend, redisKeys } from "@deskgate/approvals";
import type { RunSummary } from "@deskgate/contracts";
import type { Computer } from "@deskgate/desktop";
import { validateAction } from "@deskgate/effects";
import { type ActionOutcome, countActionOutcomes } from "./action-outcomes.ts";
import type { RunAgent, RunAgentResult } from "./run-agent.ts";

export interface ClaudeRunAgentDeps {
  backend: ApprovalBackend;
  model: AgentModel;
  computer: Computer;
  limits: RunLimits;
  /** Told to the model: what this desktop offers (DESKTOP_NOTES). */
  desktopNotes?: string;
  /** Counts actions by outcome for /metrics (see ActionOutcome). */
  onActionOutcome?: (outcome: ActionOutcome) => void;
}

/** The Claude computer-use loop as a RunAgent: resumes from the checkpoint, reports each step. */
export function createClaudeRunAgent(deps: ClaudeRunAgentDeps): RunAgent {
  return async ({ request, gate, checkpoints, isCancelled, logger }) => {
    const saved = await checkpoints.load(request.runId);
    const state = saved
      ? runStateSchema.parse(saved)
      : createRunState({ runId: request.runId, task: request.task, now: deps.backend.now() });
    const outcomes = countActionOutcomes({
      count: (outcome) => deps.onActionOutcome?.(outcome),
      askedAPerson: async (runId, step) =>
        (await deps.backend.redis.exists(redisKeys.stepApproval(runId, step))) > 0,
    });
    const outcome = await runAgentLoop({
      state,
      model: deps.model,
      computer: deps.computer,
      gate: deps.onActionOutcome ? outcomes.watch(gate) : gate,
      // The desktop's own check also knows every key name the adapter can press.
      validate: validateAction,
      checkpoint: (s) => checkpoints.save(request.runId, s),
      isCancelled,
      limits: deps.limits,
      ...(deps.desktopNotes ? { desktopNotes: deps.desktopNotes } : {}),
      logger,
      now: deps.backend.now,
      onEvent: (event) => {
        outcomes.onEvent(event);
        void recordEvent(deps.backend, request.runId, event).catch((err: unknown) =>
          logger.error({ err }, "recording a step failed"),
        );
      },
    });
    return toResult(
      outcome,
      await summarize(deps.backend, request.runId, outcome, state.startedAt),
    );
  };
}

async function recordEvent(
  backend: ApprovalBackend,
  runId: string,
  event: AgentEvent,
): Promise<void> {
  const at = backend.now().toISOString();
  switch (event.type) {
    case "action.executed":
      await backend.audit.append({
        type: "action.executed",
        runId,
        at,
        step: event.step,
        action: event.action,
        ok: event.ok,
        durationMs: event.durationMs,
        ...(event.error ? { error: event.error } : {}),
      });
      await backend.publisher.announce({
        type: "step.executed",
        runId,
        at,
        step: event.step,
        action: event.action,
        ok: event.ok,
        ...(event.error ? { error: event.error } : {}),
      });
      return;
    case "action.interrupted":
      await backend.audit.append({
        type: "action.interrupted",
        runId,
        at,
        step: event.step,
        action: event.action,
      });
      // Said in the run's thread too: whoever approved it must know it may not have happened.
      await backend.publisher.announce({
        type: "step.interrupted",
        runId,
        at,
        step: event.step,
        action: event.action,
      });
      return;
    case "action.invalid":
      await backend.audit.append({
        type: "action.rejected_invalid",
        runId,
        at,
        step: event.step,
        message: event.message,
      });
      return;
    case "turn.completed":
    case "model.retrying":
      return;
  }
}

async function summarize(
  backend: ApprovalBackend,
  runId: string,
  outcome: RunOutcome,
  startedAt: string,
): Promise<RunSummary> {
  const records = await backend.audit.read(runId);
  const count = (type: string) => records.filter((r) => r.event.type === type).length;
  return {
    steps: outcome.steps,
    approved: count("approval.granted"),
    denied: count("approval.denied") + count("action.denied_by_policy") + count("approval.expired"),
    autoApproved: count("action.auto_approved"),
    durationMs: Math.max(0, backend.now().getTime() - new Date(startedAt).getTime()),
    usage: outcome.usage,
    endReason: outcome.reason,
    ...(outcome.finalText ? { finalText: outcome.finalText } : {}),
  };
}

function toResult(outcome: RunOutcome, summary: RunSummary): RunAgentResult {
  switch (outcome.kind) {
    case "finished":
      return { status: "finished", summary };
    case "cancelled":
      return { status: "cancelled", summary, reason: outcome.reason };
    case "stopped":
    case "refused":
    case "failed":
      return {
        status: outcome.kind === "stopped" ? "finished" : "failed",
        summary,
        reason: outcome.reason,
      };
  }
}
