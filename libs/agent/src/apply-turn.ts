import type { ModelTurn } from "./agent-model.ts";
import { type ContentBlock, type Message, textOf, thinkingOf } from "./conversation.ts";
import { addUsage, type PendingToolUse, type RunState } from "./run-state.ts";

export const continuePrompt = "Your reply was cut off by the output token limit. Continue.";

/**
 * Records one model turn in the state and decides what comes next: tool calls to answer
 * (left in `state.pending`), another model call (pause_turn, a cut-off reply), or the end
 * of the run (returned). Handles every documented stop_reason:
 * https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
export function applyTurn(state: RunState, turn: ModelTurn): RunState["end"] {
  state.turns += 1;
  state.usage = addUsage(state.usage, turn.usage);
  appendAssistant(state.messages, turn.content);
  // The approver's "why": the turn's text, else the model's summarised thinking.
  const text = textOf(turn.content) || undefined;
  const rationale = text ?? (thinkingOf(turn.content) || undefined);
  const toolUses = turn.content.filter((block) => block.type === "tool_use");
  // A reply cut off at max_tokens may still hold complete tool calls: answer every one
  // (a truncated input fails validation and goes back as an error) so the model goes on.
  if (toolUses.length > 0 && (turn.stopReason === "tool_use" || turn.stopReason === "max_tokens")) {
    for (const block of toolUses) state.pending.push(pendingOf(block, state, rationale));
    state.continuations = 0;
    return undefined;
  }
  const withText = (end: Omit<NonNullable<RunState["end"]>, "finalText">) =>
    text ? { ...end, finalText: text } : end;
  switch (turn.stopReason) {
    case "end_turn":
    case "stop_sequence":
      return withText({ kind: "finished", reason: "the model finished" });
    case "refusal":
      return withText({ kind: "refused", reason: "the model declined to continue" });
    case "pause_turn":
      // A long turn paused; sending its content back as it is lets the model resume it.
      return undefined;
    case "max_tokens":
      if (state.continuations >= 1) {
        return withText({
          kind: "stopped",
          reason: "the model's reply hit the output limit twice",
        });
      }
      state.continuations += 1;
      state.messages.push({ role: "user", content: [{ type: "text", text: continuePrompt }] });
      return undefined;
    case "model_context_window_exceeded":
      return withText({ kind: "stopped", reason: "the conversation filled the context window" });
    default:
      return withText({ kind: "failed", reason: `unexpected stop_reason "${turn.stopReason}"` });
  }
}

/** After pause_turn the next turn continues the same assistant message. */
function appendAssistant(messages: Message[], content: ContentBlock[]): void {
  const last = messages.at(-1);
  if (last?.role === "assistant") last.content.push(...content);
  else messages.push({ role: "assistant", content: [...content] });
}

function pendingOf(
  block: ContentBlock,
  state: RunState,
  rationale: string | undefined,
): PendingToolUse {
  state.step += 1;
  const base = {
    toolUseId: String(block.id),
    step: state.step,
    ...(rationale ? { rationale } : {}),
  };
  if (block.toolset_name === "computer") {
    // computer_toolset_20260801: one tool per action, the action being the tool's name.
    const input = typeof block.input === "object" && block.input !== null ? block.input : {};
    return {
      ...base,
      name: "computer",
      input: { ...input, action: String(block.name) },
      toolset: "computer",
    };
  }
  return { ...base, name: String(block.name), input: block.input };
}
