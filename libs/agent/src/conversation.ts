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
 * Keeps only the `keep` most recent screenshots (images inside tool results and user
 * turns), replacing older ones with a short text, in place. Returns how many it removed.
 */
export function pruneScreenshots(messages: Message[], keep: number): number {
  let seen = 0;
  let removed = 0;
  for (let m = messages.length - 1; m >= 0; m -= 1) {
    for (const block of messages[m]!.content) {
      const holders =
        block.type === "tool_result" && Array.isArray(block.content)
          ? (block.content as ContentBlock[])
          : [block];
      for (let i = holders.length - 1; i >= 0; i -= 1) {
        const item = holders[i]!;
        if (item.type !== "image") continue;
        seen += 1;
        if (seen > keep) {
          for (const key of Object.keys(item)) delete item[key];
          Object.assign(item, { type: "text", text: removedScreenshotText });
          removed += 1;
        }
      }
    }
  }
  return removed;
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

export function textOf(blocks: readonly ContentBlock[]): string {
  return blocks
    .filter((block) => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text as string)
    .join("\n")
    .trim();
}
