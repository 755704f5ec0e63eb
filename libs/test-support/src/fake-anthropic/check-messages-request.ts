import type { RecordedRequest } from "./fake-anthropic-types.ts";

type Block = Record<string, unknown>;
type Body = RecordedRequest["body"];

const imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/**
 * What the Messages API rejects with a 400 before the model runs, as far as a computer-use
 * loop can get it wrong: missing fields, the first turn not the user's, a tool_use left
 * without its tool_result in the next message (or a tool_result for no tool_use), a bad
 * image block, more than four cache breakpoints. Returns the API-style message or undefined.
 */
export function checkMessagesRequest(body: Body): string | undefined {
  if (typeof body !== "object" || body === null) return "body: expected an object";
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (typeof body.max_tokens !== "number" || body.max_tokens < 1)
    return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "messages: at least one message is required";
  if (body.messages[0]?.role !== "user") return "messages: first message must use the user role";
  for (const [index, message] of body.messages.entries()) {
    const problem = checkMessage(body, index) ?? checkImages(message.content, index);
    if (problem) return problem;
    if (message.role !== "user" && message.role !== "assistant")
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
  }
  const breakpoints = JSON.stringify(body).split('"cache_control"').length - 1;
  if (breakpoints > 4)
    return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return undefined;
}

function blocksOf(content: Body["messages"][number]["content"] | undefined): Block[] {
  if (content === undefined) return [];
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function checkMessage(body: Body, index: number): string | undefined {
  const message = body.messages[index]!;
  const previous = body.messages[index - 1];
  const next = body.messages[index + 1];
  const toolUseIds = blocksOf(message.content)
    .filter((block) => block.type === "tool_use")
    .map((block) => String(block.id));
  if (message.role === "assistant" && toolUseIds.length > 0 && next) {
    const answered = new Set(
      blocksOf(next.content)
        .filter((block) => block.type === "tool_result")
        .map((block) => String(block.tool_use_id)),
    );
    const missing = toolUseIds.filter((id) => !answered.has(id));
    if (next.role !== "user" || missing.length > 0) {
      return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  if (message.role === "user") {
    // tool_use id → its toolset_name (undefined for a plain tool).
    const offered = new Map(
      previous?.role === "assistant"
        ? blocksOf(previous.content)
            .filter((block) => block.type === "tool_use")
            .map((block) => [String(block.id), block.toolset_name as string | undefined])
        : [],
    );
    const blocks = blocksOf(message.content);
    const firstOther = blocks.findIndex((block) => block.type !== "tool_result");
    if (firstOther >= 0 && blocks.slice(firstOther).some((block) => block.type === "tool_result"))
      return `messages.${index}.content: \`tool_result\` blocks must come first in the content`;
    for (const block of blocks) {
      if (block.type === "tool_result" && !offered.has(String(block.tool_use_id))) {
        return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      const toolset = offered.get(String(block.tool_use_id));
      if (block.type === "tool_result" && (block.toolset_name ?? undefined) !== toolset) {
        return `messages.${index}.content: \`tool_result\` for ${String(block.tool_use_id)} must carry \`toolset_name\` ${toolset === undefined ? "only for a toolset member" : `"${toolset}"`}`;
      }
    }
  }
  return undefined;
}

function checkImages(content: Body["messages"][number]["content"], index: number) {
  const nested = blocksOf(content).flatMap((block) =>
    block.type === "tool_result" && Array.isArray(block.content)
      ? (block.content as Block[])
      : [block],
  );
  for (const block of nested) {
    if (block.type !== "image") continue;
    const source = block.source as Block | undefined;
    const valid =
      source?.type === "base64" &&
      imageTypes.includes(String(source.media_type)) &&
      typeof source.data === "string" &&
      source.data.length > 0;
    if (!valid) return `messages.${index}: image source must be base64 ${imageTypes.join("/")}`;
    const actual = mediaTypeOf(String(source.data));
    if (actual === undefined) return `messages.${index}: Could not process image`;
    if (actual !== source.media_type)
      return `messages.${index}.content.image.source.base64.data: Image does not match the provided media type ${String(source.media_type)}`;
  }
  return undefined;
}

/** The format the image's bytes are in (the API reads them, not the label). */
function mediaTypeOf(base64: string): string | undefined {
  const bytes = Buffer.from(base64.slice(0, 16), "base64");
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x89504e47) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes.toString("ascii", 0, 4) === "RIFF") return "image/webp";
  if (bytes.toString("ascii", 0, 3) === "GIF") return "image/gif";
  return undefined;
}
