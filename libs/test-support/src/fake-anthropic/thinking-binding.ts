import { contentHash } from "./canonical.ts";
import type { RecordedRequest } from "./fake-anthropic-types.ts";
import { bindsThinking } from "./model-rules.ts";

type Block = Record<string, unknown>;
type Messages = RecordedRequest["body"]["messages"];

const prefix = "fake-sig.";
const isThinking = (block: Block) =>
  block.type === "thinking" || block.type === "redacted_thinking";
const blocksOf = (content: Messages[number]["content"]): Block[] =>
  typeof content === "string" ? [{ type: "text", text: content }] : content;

/** What the conversation looked like before block `j` of message `i`. */
function before(messages: Messages, i: number, j: number) {
  return [
    ...messages.slice(0, i),
    { ...messages[i]!, content: blocksOf(messages[i]!.content).slice(0, j) },
  ];
}

/**
 * Signs the thinking blocks of a reply: the signature records a hash of everything before
 * the block (the request's messages, and the reply's earlier blocks — merged into the last
 * assistant message when the request continues one), so a later request can tell whether
 * that conversation changed. Opaque to the client, as the real one is.
 */
export function signThinking(messages: Messages, reply: Block[]): Block[] {
  const last = messages.at(-1);
  const continues = last?.role === "assistant";
  const assistant = continues ? [...blocksOf(last!.content)] : [];
  const index = continues ? messages.length - 1 : messages.length;
  const earlier = messages.slice(0, index);
  return reply.map((block) => {
    const conversation = [...earlier, { role: "assistant", content: [...assistant] }];
    const signed = isThinking(block)
      ? { ...block, signature: `${prefix}${contentHash(conversation)}` }
      : block;
    assistant.push(signed);
    return signed;
  });
}

export type BindingCheck =
  | { ok: true; messages: Messages; transformations: Block[] }
  | { ok: false; message: string };

/**
 * The conversation check of models that bind thinking blocks: each thinking block sent
 * back must carry a signature this API made, and the messages before it must be what they
 * were when it was made. A failure is a 400, or with `prefix_mismatch_behavior:
 * "drop_block"` the block is removed and reported in `input_transformations`.
 */
export function checkThinkingBinding(body: RecordedRequest["body"]): BindingCheck {
  if (!bindsThinking(body.model)) return { ok: true, messages: body.messages, transformations: [] };
  const thinking = body.thinking as
    | { block_binding?: { prefix_mismatch_behavior?: string } }
    | undefined;
  const drop = thinking?.block_binding?.prefix_mismatch_behavior === "drop_block";
  const transformations: Block[] = [];
  const messages = body.messages.map((message, i) => {
    if (message.role !== "assistant") return message;
    const blocks = blocksOf(message.content);
    const kept = blocks.filter((block, j) => {
      if (!isThinking(block)) return true;
      const signature = String(block.signature ?? "");
      const path = `messages.${i}.content.${j}`;
      if (!signature.startsWith(prefix))
        throw new BindingFailure(`${path}: Invalid \`signature\` in \`thinking\` block`);
      if (signature.slice(prefix.length) === contentHash(before(body.messages, i, j))) return true;
      if (!drop)
        throw new BindingFailure(
          `${path}: the conversation before this \`thinking\` block differs from the one it was created in (prefix_binding_mismatch). Send earlier messages unchanged, or set thinking.block_binding.prefix_mismatch_behavior to "drop_block".`,
        );
      transformations.push({ type: "thinking_dropped", path, reason: "prefix_binding_mismatch" });
      return false;
    });
    return { ...message, content: kept };
  });
  return { ok: true, messages, transformations };
}

class BindingFailure extends Error {}

/** `checkThinkingBinding` with its failure as a value. */
export function bindingProblem(body: RecordedRequest["body"]): BindingCheck {
  try {
    return checkThinkingBinding(body);
  } catch (err) {
    if (err instanceof BindingFailure) return { ok: false, message: err.message };
    throw err;
  }
}
