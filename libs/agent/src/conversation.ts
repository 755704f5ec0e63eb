import { z } from "zod";

/**
 * The conversation as JSON-safe data (a subset of the Messages API's params), so a run
 * can be checkpointed in Redis and resumed by another process. Unknown block types the
 * model may send (thinking, …) are kept as they came.
 */
export const contentBlockSchema = z.looseObject({ type: z.string() });
export type ContentBlock = z.infer<typeof contentBlockSchema> & Record<string, unknown>;

export const messageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.array(contentBlockSchema),
});
export type Message = { role: "user" | "assistant"; content: ContentBlock[] };

export type ToolResultContent = Array<
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: "image/png"; data: string } }
>;

/** A tool_result block; `content` is a list of blocks or, as the SDK's runner sends it, a string. */
export function toolResult(
  toolUseId: string,
  content: ToolResultContent | string,
  isError = false,
): ContentBlock {
  return {
    type: "tool_result",
    tool_use_id: toolUseId,
    content,
    ...(isError ? { is_error: true } : {}),
  };
}

export function pngBlock(png: Buffer): ToolResultContent[number] {
  return {
    type: "image",
    source: { type: "base64", media_type: "image/png", data: png.toString("base64") },
  };
}

export const removedScreenshotText = "[older screenshot removed to save context]";

/**
 * How many screenshots may pile up past `keep` before old ones are removed. Removing one
 * image rewrites a message near the end of the cached prefix, so the next request reads
 * nothing from the cache past the system prompt; removing them in batches keeps the
 * prefix (and the cache) intact for this many turns in a row.
 * https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 */
export const screenshotPruneBatch = 10;

/**
 * Once more than `keep + batch` screenshots (images inside tool results and user turns)
 * are in the conversation, replaces all but the `keep` newest with a short text, in
 * place. Returns how many it removed.
 */
export function pruneScreenshots(
  messages: Message[],
  keep: number,
  batch = screenshotPruneBatch,
): number {
  const images = imagesNewestFirst(messages);
  if (images.length <= keep + batch) return 0;
  for (const item of images.slice(keep)) {
    for (const key of Object.keys(item)) delete item[key];
    Object.assign(item, { type: "text", text: removedScreenshotText });
  }
  return images.length - keep;
}

function imagesNewestFirst(messages: Message[]): ContentBlock[] {
  const images: ContentBlock[] = [];
  for (let m = messages.length - 1; m >= 0; m -= 1) {
    const blocks = messages[m]!.content;
    for (let b = blocks.length - 1; b >= 0; b -= 1) {
      const block = blocks[b]!;
      const holders =
        block.type === "tool_result" && Array.isArray(block.content)
          ? (block.content as ContentBlock[])
          : [block];
      for (let i = holders.length - 1; i >= 0; i -= 1)
        if (holders[i]!.type === "image") images.push(holders[i]!);
    }
  }
  return images;
}

/**
 * A copy of the messages for one request, with a cache breakpoint on the last block of
 * the latest user turn, so each request re-reads the previous prefix from the cache.
 * (The tool definition carries the other breakpoint; the API allows four.)
 */
export function withCacheBreakpoint(messages: readonly Message[]): Message[] {
  const copy = messages.map((message) => ({ role: message.role, content: [...message.content] }));
  for (let m = copy.length - 1; m >= 0; m -= 1) {
    const message = copy[m]!;
    if (message.role !== "user" || message.content.length === 0) continue;
    const lastIndex = message.content.length - 1;
    message.content[lastIndex] = {
      ...message.content[lastIndex]!,
      cache_control: { type: "ephemeral" },
    };
    break;
  }
  return copy;
}

/**
 * The model's summarised thinking in a turn (`display: "summarized"`), joined; empty when
 * thinking was off or omitted.
 */
export function thinkingOf(blocks: readonly ContentBlock[]): string {
  return blocks
    .filter((block) => block.type === "thinking" && typeof block.thinking === "string")
    .map((block) => block.thinking as string)
    .join("\n")
    .trim();
}

export function textOf(blocks: readonly ContentBlock[]): string {
  return blocks
    .filter((block) => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text as string)
    .join("\n")
    .trim();
}
