import { randomBytes } from "node:crypto";
import type { FakeBlock, FakeTurn } from "./fake-anthropic-types.ts";

type ActionInput = Record<string, unknown> & { action: string };

export function toolUseId(): string {
  return `toolu_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

type Block = Record<string, unknown>;

/** What the server adds to a scripted turn: usage, signatures, input transformations. */
export interface ReplyExtras {
  usage?: FakeTurn["usage"];
  sign?: (content: Block[]) => Block[];
  inputTransformations?: Block[];
}

/** A scripted turn as the Messages API returns it (non-streaming). */
export function toMessage(turn: FakeTurn, model: string, extras: ReplyExtras = {}) {
  const content = turn.content.map((block) =>
    block.type === "tool_use" ? { ...block, id: block.id ?? toolUseId() } : block,
  );
  return {
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: "assistant",
    model,
    content: extras.sign ? extras.sign(content) : content,
    stop_reason: turn.stop_reason,
    stop_sequence: turn.stop_reason === "stop_sequence" ? "###" : null,
    usage: {
      input_tokens: 100,
      output_tokens: 20,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      service_tier: "standard",
      ...extras.usage,
      ...turn.usage,
    },
    ...(extras.inputTransformations?.length
      ? { input_transformations: extras.inputTransformations }
      : {}),
  };
}

/** Builders for scripted turns: optional text first (the rationale), then tool calls. */
export const turns = {
  action(input: ActionInput, text?: string): FakeTurn {
    return turns.actions([input], text);
  },
  actions(inputs: ActionInput[], text?: string): FakeTurn {
    const calls: FakeBlock[] = inputs.map((input) => ({
      type: "tool_use",
      name: "computer",
      input,
    }));
    return {
      content: [...(text ? [{ type: "text" as const, text }] : []), ...calls],
      stop_reason: "tool_use",
    };
  },
  /** Calls to the GA computer toolset: one tool per action, named after it. */
  toolsetActions(inputs: ActionInput[], text?: string): FakeTurn {
    const calls: FakeBlock[] = inputs.map(({ action, ...input }) => ({
      type: "tool_use",
      name: action,
      input,
      toolset_name: "computer",
      caller: { type: "direct" },
    }));
    return {
      content: [...(text ? [{ type: "text" as const, text }] : []), ...calls],
      stop_reason: "tool_use",
    };
  },
  /** `turn` with the model's summarised thinking first, as `display: "summarized"` gives it. */
  thinking(summary: string, turn: FakeTurn): FakeTurn {
    return { ...turn, content: [{ type: "thinking", thinking: summary }, ...turn.content] };
  },
  done(text = "Done."): FakeTurn {
    return { content: [{ type: "text", text }], stop_reason: "end_turn" };
  },
  text(text: string, stop_reason: FakeTurn["stop_reason"]): FakeTurn {
    return { content: [{ type: "text", text }], stop_reason };
  },
};
