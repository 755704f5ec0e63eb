import type { IncomingHttpHeaders } from "node:http";
import type { RecordedRequest } from "./fake-anthropic-types.ts";
import { imageSize } from "./image-size.ts";
import { alwaysThinks, imageLimitsOf } from "./model-rules.ts";

type Block = Record<string, unknown>;
type Body = RecordedRequest["body"];

/** A 400 the API answers, with the `error.details` it carries when it has them. */
export interface RequestProblem {
  message: string;
  details?: Record<string, unknown>;
}

const contextManagementBeta = "context-management-2025-06-27";
const editTypes = ["clear_tool_uses_20250919", "clear_thinking_20251015", "compact_20260112"];

/**
 * The per-model and per-feature rules of the Messages API the loop can break: thinking
 * config, a forced `tool_choice` with thinking on, `context_management` (its beta and its
 * shape), images larger than the model takes, and a last turn whose tool calls have no
 * answer. Types and limits: @anthropic-ai/sdk `src/resources/beta/messages/messages.ts`
 * (`BetaThinkingConfigParam`, `BetaContextManagementConfig`) and
 * `src/resources/messages/messages.ts` (`ImageDimensionsTooLargeErrorDetails`).
 */
export function checkModelFeatures(
  body: Body,
  headers: IncomingHttpHeaders,
): RequestProblem | undefined {
  return (
    checkThinking(body) ??
    checkTools(body) ??
    checkToolChoice(body) ??
    checkContextManagement(body, headers) ??
    checkImageSizes(body) ??
    checkLastTurn(body)
  );
}

function checkThinking(body: Body): RequestProblem | undefined {
  const thinking = body.thinking as Block | undefined;
  if (thinking === undefined) return undefined;
  if (!["enabled", "adaptive", "disabled"].includes(String(thinking.type)))
    return { message: "thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'" };
  const display = thinking.display;
  if (
    display !== undefined &&
    display !== null &&
    !["summarized", "omitted"].includes(String(display))
  )
    return { message: "thinking.display: Input should be 'summarized' or 'omitted'" };
  if (thinking.type !== "enabled") return undefined;
  const budget = Number(thinking.budget_tokens);
  if (!(budget >= 1024 && budget < body.max_tokens))
    return { message: "thinking.budget_tokens: must be ≥ 1024 and less than max_tokens" };
  return undefined;
}

/** A custom tool's name (`Tool.name` in `src/resources/messages/messages.ts`). */
const customToolName = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Custom tools (no `type`, or `type: "custom"`) need a name and an object `input_schema`;
 * names are unique; `tool_choice` is auto, any, tool or none, and `tool` must name an
 * offered tool (`ToolChoiceTool`, same file).
 */
function checkTools(body: Body): RequestProblem | undefined {
  const tools = body.tools ?? [];
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    const custom = tool.type === undefined || tool.type === "custom";
    const name = tool.name;
    if (custom) {
      if (typeof name !== "string" || !customToolName.test(name))
        return {
          message: `tools.${index}.custom.name: String should match pattern '${customToolName.source}'`,
        };
      const schema = tool.input_schema as Block | undefined;
      if (!schema || schema.type !== "object")
        return { message: `tools.${index}.custom.input_schema.type: Input should be 'object'` };
    }
    if (typeof name === "string") {
      if (names.has(name)) return { message: `tools: Tool names must be unique. Found '${name}'` };
      names.add(name);
    }
  }
  const choice = body.tool_choice as Block | undefined;
  if (choice === undefined) return undefined;
  if (!["auto", "any", "tool", "none"].includes(String(choice.type)))
    return { message: "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'" };
  if ((choice.type === "any" || choice.type === "tool") && tools.length === 0)
    return { message: "tool_choice: may only be specified while providing tools." };
  if (choice.type === "tool" && !names.has(String(choice.name)))
    return { message: `tool_choice.name: Tool '${String(choice.name)}' not found in tools` };
  return undefined;
}

function checkToolChoice(body: Body): RequestProblem | undefined {
  const choice = (body.tool_choice as Block | undefined)?.type;
  const thinking = (body.thinking as Block | undefined)?.type;
  const thinks = alwaysThinks(body.model) || thinking === "enabled" || thinking === "adaptive";
  if (thinks && (choice === "any" || choice === "tool"))
    return { message: "Thinking may not be enabled when tool_choice forces tool use." };
  return undefined;
}

function checkContextManagement(
  body: Body,
  headers: IncomingHttpHeaders,
): RequestProblem | undefined {
  const config = body.context_management as { edits?: Block[] } | undefined;
  if (config === undefined || config === null) return undefined;
  const betas = String(headers["anthropic-beta"] ?? "").split(",");
  if (!betas.map((beta) => beta.trim()).includes(contextManagementBeta))
    return {
      message: `context_management: requires the anthropic-beta header ${contextManagementBeta}`,
    };
  for (const [index, edit] of (config.edits ?? []).entries()) {
    const at = `context_management.edits.${index}`;
    if (!editTypes.includes(String(edit.type))) return { message: `${at}.type: unknown edit type` };
    const keep = edit.keep as Block | undefined;
    if (
      keep &&
      (keep.type !== "tool_uses" || !Number.isInteger(keep.value) || Number(keep.value) < 0)
    )
      return { message: `${at}.keep: expected {type: "tool_uses", value: a whole number}` };
    const trigger = edit.trigger as Block | undefined;
    if (trigger && !["input_tokens", "tool_uses"].includes(String(trigger.type)))
      return { message: `${at}.trigger.type: Input should be 'input_tokens' or 'tool_uses'` };
  }
  return undefined;
}

function checkImageSizes(body: Body): RequestProblem | undefined {
  const { maxSide, maxPixels } = imageLimitsOf(body.model);
  const paths: string[] = [];
  for (const [i, message] of body.messages.entries()) {
    if (typeof message.content === "string") continue;
    for (const [j, block] of message.content.entries()) {
      const nested = block.type === "tool_result" && Array.isArray(block.content);
      const items = nested ? (block.content as Block[]) : [block];
      for (const [k, item] of items.entries()) {
        if (item.type !== "image") continue;
        const size = imageSize(String((item.source as Block | undefined)?.data ?? ""));
        if (!size) continue;
        const over =
          Math.max(size.width, size.height) > maxSide || size.width * size.height > maxPixels;
        if (over) paths.push(`messages.${i}.content.${j}${nested ? `.content.${k}` : ""}`);
      }
    }
  }
  if (paths.length === 0) return undefined;
  return {
    message: `image exceeds the size limit of ${body.model} (${maxSide} px a side, ${maxPixels} pixels): ${paths.join(", ")}`,
    details: { error_code: "image_dimensions_too_large", max_side_length_pixels: maxSide, paths },
  };
}

function checkLastTurn(body: Body): RequestProblem | undefined {
  const last = body.messages.at(-1);
  if (last?.role !== "assistant" || typeof last.content === "string") return undefined;
  const open = last.content.filter((block) => block.type === "tool_use").map((block) => block.id);
  if (open.length === 0) return undefined;
  return {
    message: `messages.${body.messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${open.join(", ")}`,
  };
}
