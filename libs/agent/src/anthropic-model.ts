import Anthropic from "@anthropic-ai/sdk";
import { AppError, type Logger } from "@deskgate/core";
import type { ScreenSize } from "@deskgate/desktop";
import type { AgentModel, ModelTurn, ModelTurnRequest } from "./agent-model.ts";
import { withCacheBreakpoint } from "./conversation.ts";
import {
  opinionsFrom,
  type RiskJudge,
  riskJudgeMessage,
  riskJudgeSystemPrompt,
  riskJudgeTool,
  riskJudgeToolName,
} from "./risk-judge.ts";
import {
  type ComputerToolName,
  type ComputerToolVersion,
  computerToolFor,
} from "./tool-versions.ts";

export interface AnthropicModelOptions {
  apiKey: string;
  /** ANTHROPIC_BASE_URL: a proxy or gateway; the SDK's default otherwise. */
  baseURL?: string | undefined;
  model: string;
  /** Overrides the table in tool-versions.ts. */
  computerTool?: ComputerToolName | undefined;
  maxTokens?: number;
  /**
   * `auto` (default): summarised adaptive thinking where the tool table says the model has
   * it (the summary is the approver's "why" when a turn has no text); `off`: never.
   */
  thinking?: "auto" | "off";
  /** The SDK's own retries for 429/5xx/529 and connection errors. */
  maxRetries?: number;
  timeoutMs?: number;
  logger: Logger;
}

/**
 * The only importer of @anthropic-ai/sdk. Speaks the Messages API through
 * `client.beta.messages.create` with the computer tool the model supports, and its beta
 * flag when it has one (the GA toolset has none).
 */
export function createAnthropicModel(options: AnthropicModelOptions): AgentModel {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 4,
    timeout: options.timeoutMs ?? 120_000,
  });
  const choice = computerToolFor(options.model, options.computerTool);
  if (!choice.known) {
    options.logger.warn(
      { model: options.model, tool: choice.tool.type },
      "model not in the computer tool table; offering the newest beta tool",
    );
  }
  const tool = choice.tool;
  const thinking = choice.thinking && options.thinking !== "off";
  const betas = [
    ...(tool.betaFlag ? [tool.betaFlag] : []),
    ...(choice.context === "server" ? [contextManagementBeta] : []),
  ];
  return {
    model: options.model,
    tool,
    context: choice.context,
    images: choice.images,
    async createTurn(request: ModelTurnRequest): Promise<ModelTurn> {
      try {
        const response = await client.beta.messages.create({
          model: options.model,
          // Adaptive thinking spends from max_tokens too.
          max_tokens: options.maxTokens ?? (thinking ? 16_000 : 4_096),
          // Tools then system form the stable prefix; one breakpoint after the system
          // caches both. https://platform.claude.com/docs/en/build-with-claude/prompt-caching
          system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
          tools: [toolDefinition(tool, request.screen)] as never,
          messages: withCacheBreakpoint(request.messages) as never,
          ...(thinking ? { thinking: { type: "adaptive", display: "summarized" } } : {}),
          ...(choice.context === "server"
            ? { context_management: serverClearing(request.keepScreenshots) }
            : {}),
          ...(betas.length > 0 ? { betas } : {}),
        });
        const usage = response.usage;
        return {
          content: response.content as unknown as ModelTurn["content"],
          stopReason: response.stop_reason ?? "end_turn",
          usage: {
            inputTokens: usage.input_tokens ?? 0,
            outputTokens: usage.output_tokens ?? 0,
            cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
            cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
          },
        };
      } catch (err) {
        throw toAppError(err);
      }
    },
  };
}

export interface AnthropicRiskJudgeOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** RISK_JUDGE_MODEL: a small, fast model (a Haiku) is enough. */
  model: string;
  /** A person is waiting for the card: the judge gets this long, retries included. */
  timeoutMs?: number;
}

/**
 * The optional risk judge over the same SDK: one `messages.create` per card, no thinking,
 * `tool_choice` forcing `rate_risk` (a forced tool choice is refused with thinking on).
 * The image is the card's, already within every model's image limits (long edge ≤ 1280,
 * ≤ 1.15 MP: `preferredModelImage` in libs/desktop). Rejects with an AppError on failure.
 */
export function createAnthropicRiskJudge(options: AnthropicRiskJudgeOptions): RiskJudge {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 1,
    timeout: options.timeoutMs ?? 15_000,
  });
  return {
    model: options.model,
    async judge(request) {
      try {
        const response = await client.messages.create({
          model: options.model,
          max_tokens: 1_024,
          system: riskJudgeSystemPrompt,
          tools: [riskJudgeTool],
          tool_choice: { type: "tool", name: riskJudgeToolName },
          messages: [riskJudgeMessage(request)],
        });
        const call = response.content.find(
          (block) => block.type === "tool_use" && block.name === riskJudgeToolName,
        );
        if (!call || call.type !== "tool_use")
          throw new AppError(
            "risk_judge_no_rating",
            `the risk judge did not call ${riskJudgeToolName}`,
          );
        return opinionsFrom(call.input, request, options.model);
      } catch (err) {
        throw err instanceof AppError ? err : toAppError(err);
      }
    },
  };
}

/** The beta that `context_management` needs (`AnthropicBeta` in src/resources/beta/beta.ts). */
export const contextManagementBeta = "context-management-2025-06-27";

/**
 * Server-side clearing of old tool results (`BetaClearToolUses20250919Edit`): once the
 * input passes 50k tokens, results older than the `keep` newest tool uses are cleared,
 * at least 20k tokens at a time, so the cached prefix is rewritten only now and then.
 */
export function serverClearing(keep: number) {
  return {
    edits: [
      {
        type: "clear_tool_uses_20250919" as const,
        trigger: { type: "input_tokens" as const, value: 50_000 },
        keep: { type: "tool_uses" as const, value: keep },
        clear_at_least: { type: "input_tokens" as const, value: 20_000 },
      },
    ],
  };
}

/**
 * The `tools[]` entry: a beta computer tool sized to the screen the model sees, or the GA
 * toolset, which takes no size (coordinates are in screenshot pixels) and offers every
 * member, zoom included, by default.
 */
export function toolDefinition(
  tool: ComputerToolVersion,
  screen: ScreenSize,
): Record<string, unknown> {
  if (tool.type === "computer_toolset_20260801") return { type: tool.type };
  return {
    type: tool.type,
    name: "computer",
    display_width_px: screen.width,
    display_height_px: screen.height,
    ...(tool.zoom ? { enable_zoom: true } : {}),
  };
}

/** SDK errors → AppError; rate limits, overload, 5xx and network trouble are retryable. */
function toAppError(err: unknown): AppError {
  if (err instanceof Anthropic.APIConnectionError) {
    return new AppError("model_unreachable", `model API unreachable: ${err.message}`, {
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof Anthropic.APIError) {
    const status = err.status ?? 0;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return new AppError(`model_http_${status}`, `model API answered ${status}: ${err.message}`, {
      retryable,
      cause: err,
    });
  }
  return new AppError("model_failed", err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}
