import type { ComputerAction } from "@deskgate/contracts";
import type { ActionResult, Computer } from "@deskgate/desktop";
import { type ContentBlock, pngBlock, type ToolResultContent, toolResult } from "./conversation.ts";

export function errorResult(toolUseId: string, message: string): ContentBlock {
  return toolResult(toolUseId, [{ type: "text", text: message }], true);
}

/**
 * What a tool call gets when an earlier call of the same turn was denied, invalid or
 * failed: the text and shape @anthropic-ai/sdk's toolset runner sends for the computer
 * family (`src/lib/internal/toolsets/run.ts`, `notExecutedText("computer")`, answered by
 * `toolsetResultBlock(..., true)` in `src/lib/tools/BetaToolRunner.ts`): a string content
 * with `is_error: true`. The model planned the turn's actions as a sequence; a later one
 * rarely makes sense once an earlier one did not happen.
 */
export const notExecutedText = "Not executed: an earlier computer action in this turn failed.";

export function notExecutedResult(toolUseId: string): ContentBlock {
  return toolResult(toolUseId, notExecutedText, true);
}

/**
 * What the model gets back after an action: the reviewer's note, the action's output,
 * then the screen as it is now (`screenshot`/`zoom` already are an image).
 */
export async function successResult(
  toolUseId: string,
  result: ActionResult,
  computer: Computer,
  note: string | undefined,
): Promise<ContentBlock> {
  const content: ToolResultContent = [];
  if (note) content.push({ type: "text", text: note });
  switch (result.kind) {
    case "image":
      content.push(pngBlock(result.image.png));
      break;
    case "cursor":
      content.push({ type: "text", text: `X=${result.position[0]}, Y=${result.position[1]}` });
      break;
    case "done":
      content.push(await screenshotOrNote(computer));
      break;
  }
  return toolResult(toolUseId, content);
}

/** The answer for an action that started before a crash and never recorded its end. */
export async function interruptedResult(
  toolUseId: string,
  action: ComputerAction,
  computer: Computer,
): Promise<ContentBlock> {
  const text =
    `The ${action.action} action was interrupted (the worker restarted while it ran): ` +
    "it may or may not have happened. Check the current screen before going on.";
  return toolResult(toolUseId, [{ type: "text", text }, await screenshotOrNote(computer)], true);
}

/** The action itself succeeded; a failed capture must not turn it into a failure. */
async function screenshotOrNote(computer: Computer): Promise<ToolResultContent[number]> {
  try {
    return pngBlock((await computer.screenshot()).png);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { type: "text", text: `(no screenshot: ${message})` };
  }
}
