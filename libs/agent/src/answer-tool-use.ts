import { maxPlanSteps, type ProposedAction } from "@deskgate/contracts";
import { validateAction } from "@deskgate/effects";
import type { AgentLoopOptions } from "./agent-loop-options.ts";
import type { ContentBlock } from "./conversation.ts";
import { executeApproved, type ToolUseAnswer } from "./execute-approved.ts";
import type { PendingToolUse, RunState } from "./run-state.ts";
import { errorResult, interruptedResult, notExecutedResult } from "./tool-results.ts";

export type { ToolUseAnswer };

/** `ProposedAction.rationale` is bounded; the approver sees the start of a long text. */
const maxRationaleLength = 4_000;

/**
 * Whether the current turn has stopped acting: one of its calls was already answered as an
 * error (denied, invalid, failed, interrupted). Derived from the answers themselves, so a
 * resumed run halts exactly where the crashed one did.
 */
export function turnHalted(state: RunState): boolean {
  return state.results.some((block) => block.is_error === true);
}

/**
 * Validate → checkpoint → gate → act. Invalid input never reaches the gate or the desktop.
 * Once a call of the turn failed, the later ones are answered `notExecutedResult` without
 * a review or an action, as the SDK's toolset runner does (src/lib/internal/toolsets/run.ts);
 * the same holds for beta tool calls. The checkpoint comes before the review, so a gate
 * that parks the run by throwing is resumed later at this very tool_use (same step, same
 * id); its error propagates as is.
 */
export async function answerToolUse(
  call: PendingToolUse,
  options: AgentLoopOptions,
): Promise<ToolUseAnswer> {
  if (turnHalted(options.state)) return result(answerFor(call, notExecutedResult(call.toolUseId)));
  const answer = await answerComputerCall(call, options);
  return answer.kind === "result" ? result(answerFor(call, answer.block)) : answer;
}

/** A toolset member's tool_result names its toolset, as the API pairs them. */
function answerFor(call: PendingToolUse | undefined, block: ContentBlock): ContentBlock {
  return call?.toolset ? { ...block, toolset_name: call.toolset } : block;
}

async function answerComputerCall(
  call: PendingToolUse,
  options: AgentLoopOptions,
): Promise<ToolUseAnswer> {
  const { state, computer } = options;
  if (call.name !== "computer") {
    return result(
      errorResult(call.toolUseId, `Unknown tool "${call.name}"; only "computer" is available.`),
    );
  }
  const validation = (options.validate ?? validateAction)(call.input, computer.modelScreen());
  if (!validation.ok) {
    state.counts.invalid += 1;
    options.onEvent?.({ type: "action.invalid", step: call.step, message: validation.message });
    return result(errorResult(call.toolUseId, `Not executed: ${validation.message}`));
  }
  const nextInTurn = validNextInTurn(call, options);
  const proposal: ProposedAction = {
    runId: state.runId,
    step: call.step,
    toolUseId: call.toolUseId,
    action: validation.action,
    ...(call.rationale ? { rationale: call.rationale.slice(0, maxRationaleLength) } : {}),
    ...(nextInTurn.length > 0 ? { nextInTurn } : {}),
  };
  await options.checkpoint(state);
  const verdict = await options.gate.review(proposal, { computer });
  switch (verdict.kind) {
    case "cancel":
      return { kind: "end", reason: verdict.reason };
    case "deny":
      state.counts.denied += 1;
      return result(errorResult(call.toolUseId, `The user denied this action: ${verdict.reason}`));
    case "approve":
      // A stop that arrived while the approval was pending wins over the approval.
      if (await options.isCancelled()) return { kind: "end", reason: "the run was stopped" };
      return executeApproved(call, verdict.action, verdict.note, options);
  }
}

/**
 * The calls after this one in the same turn, validated, up to the first that is not a
 * valid computer action (the turn halts there): what a plan card may cover. Each is
 * still reviewed on its own when its turn comes.
 */
function validNextInTurn(
  call: PendingToolUse,
  options: AgentLoopOptions,
): NonNullable<ProposedAction["nextInTurn"]> {
  const { state, computer } = options;
  const validate = options.validate ?? validateAction;
  const index = state.pending.indexOf(call);
  const next: NonNullable<ProposedAction["nextInTurn"]> = [];
  for (const later of state.pending.slice(index + 1, index + maxPlanSteps)) {
    if (later.name !== "computer") break;
    const validation = validate(later.input, computer.modelScreen());
    if (!validation.ok) break;
    next.push({ step: later.step, action: validation.action });
  }
  return next;
}

/**
 * Answers the tool_use whose action was in flight at a crash, without replaying it, once
 * every key and button the dead process may have held is released.
 */
export async function answerInterrupted(options: AgentLoopOptions): Promise<void> {
  const { state } = options;
  const inFlight = state.inFlight;
  if (!inFlight) return;
  options.onEvent?.({ type: "action.interrupted", step: inFlight.step, action: inFlight.action });
  // Whatever the dead process held down (a hold_key's Ctrl) is still down on the display.
  await options.computer.releaseAllInput().catch((err: unknown) => {
    options.logger.warn({ err }, "releasing held input failed");
  });
  const call = state.pending.find((pending) => pending.toolUseId === inFlight.toolUseId);
  const block = await interruptedResult(inFlight.toolUseId, inFlight.action, options.computer);
  state.results.push(answerFor(call, block));
  state.pending = state.pending.filter((call) => call.toolUseId !== inFlight.toolUseId);
  delete state.inFlight;
  await options.checkpoint(state);
}

function result(block: ContentBlock): ToolUseAnswer {
  return { kind: "result", block };
}
