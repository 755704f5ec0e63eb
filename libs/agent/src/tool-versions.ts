import type { ImageLimits } from "@deskgate/desktop";

/**
 * Which computer tool a model speaks: one table, read by `anthropic-model.ts`.
 * Tool types and beta flags are the ones @anthropic-ai/sdk 1.13 types; which model takes
 * which version follows the computer use tool doc
 * (https://platform.claude.com/docs/en/agents-and-tools/tool-use/computer-use-tool) and
 * the Opus 5.5 notes (https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5:
 * `computer_20251124` is refused there; the GA toolset is required). The GA toolset is sent
 * as `{ type }` alone (every member on, zoom included); its tool_use blocks are named after
 * their action with `toolset_name: "computer"`, and each tool_result names the toolset
 * back — the shapes @anthropic-ai/sdk types for it.
 */
export interface ComputerToolVersion {
  /** The `type` of the `tools[]` entry. */
  type:
    | "computer_20241022"
    | "computer_20250124"
    | "computer_20251124"
    | "computer_toolset_20260801";
  /** The `anthropic-beta` flag, or undefined for a generally available tool. */
  betaFlag: string | undefined;
  /** Whether the `zoom` action exists (sent as `enable_zoom: true`). */
  zoom: boolean;
}

export const computerToolVersions = {
  computer_toolset_20260801: {
    type: "computer_toolset_20260801",
    betaFlag: undefined,
    zoom: true,
  },
  computer_20251124: {
    type: "computer_20251124",
    betaFlag: "computer-use-2025-11-24",
    zoom: true,
  },
  computer_20250124: {
    type: "computer_20250124",
    betaFlag: "computer-use-2025-01-24",
    zoom: false,
  },
  computer_20241022: {
    type: "computer_20241022",
    betaFlag: "computer-use-2024-10-22",
    zoom: false,
  },
} as const satisfies Record<string, ComputerToolVersion>;

export type ComputerToolName = keyof typeof computerToolVersions;

/**
 * Image tiers. Beyond them the API downsizes (beta tools) or rejects the request (the GA
 * toolset does not downscale; @anthropic-ai/sdk `ImageDimensionsTooLargeError`,
 * `image_dimensions_too_large`, in `src/resources/messages/messages.ts`). Limits as the
 * computer and browser use best-practices guide gives them: 1568 px / 1.15 MP for the 4.6
 * family and earlier, 2576 px / 3.75 MP for Opus 4.7 (and, inferred, the Opus models after).
 */
export const imageTiers = {
  standard: { maxLongEdge: 1568, maxPixels: 1_150_000 },
  high: { maxLongEdge: 2576, maxPixels: 3_750_000 },
} as const satisfies Record<string, ImageLimits>;

/**
 * How old screenshots leave the conversation.
 * - `client`: the loop replaces old images with a short text itself, in batches so the
 *   cached prefix survives many turns.
 * - `server`: the request never edits what it sent before; the API clears old tool
 *   results itself (`context_management` with `clear_tool_uses_20250919`, beta
 *   `context-management-2025-06-27`; `BetaContextManagementConfig` in
 *   `src/resources/beta/messages/messages.ts`). For models that bind each thinking block to
 *   the conversation before it: editing that conversation fails the request with a 400
 *   (`BetaThinkingBlockBinding.prefix_mismatch_behavior`, default "error", same file).
 */
export type ContextStrategy = "client" | "server";

export interface ModelRow {
  families: readonly string[];
  tool: ComputerToolName;
  images: keyof typeof imageTiers;
  context: ContextStrategy;
  /**
   * Sends `thinking: { type: "adaptive", display: "summarized" }` (`ThinkingConfigAdaptive`
   * in `src/resources/messages/messages.ts`): the summary becomes the approver's "why"
   * when a turn has no text. Only for models with adaptive thinking (4.6 and later).
   */
  thinking: boolean;
}

/**
 * Model family → tool, image tier, context strategy, thinking. A model id matches a
 * family when it is the family itself or the family followed by a date snapshot
 * (`-20250929`) or `-latest`, so `claude-opus-5-5` is never taken for `claude-opus-5`.
 * The models that bind thinking blocks (Opus 5.5, Sonnet 5.5, Fable 5.1, per the model
 * migration notes) take the `server` strategy.
 */
export const modelToolTable: readonly ModelRow[] = [
  {
    families: ["claude-opus-5-5"],
    tool: "computer_toolset_20260801",
    images: "high",
    context: "server",
    thinking: true,
  },
  {
    families: ["claude-sonnet-5-5", "claude-fable-5-1"],
    tool: "computer_toolset_20260801",
    images: "standard",
    context: "server",
    thinking: true,
  },
  {
    families: ["claude-haiku-5-5"],
    tool: "computer_toolset_20260801",
    images: "standard",
    context: "client",
    thinking: true,
  },
  {
    families: ["claude-opus-5", "claude-opus-4-8", "claude-opus-4-7"],
    tool: "computer_20251124",
    images: "high",
    context: "client",
    thinking: true,
  },
  {
    families: ["claude-sonnet-5", "claude-opus-4-6", "claude-sonnet-4-6"],
    tool: "computer_20251124",
    images: "standard",
    context: "client",
    thinking: true,
  },
  {
    families: ["claude-opus-4-5"],
    tool: "computer_20251124",
    images: "standard",
    context: "client",
    thinking: false,
  },
  {
    families: [
      "claude-sonnet-4-5",
      "claude-haiku-4-5",
      "claude-opus-4-1",
      "claude-opus-4",
      "claude-sonnet-4",
      "claude-3-7-sonnet",
    ],
    tool: "computer_20250124",
    images: "standard",
    context: "client",
    thinking: false,
  },
  {
    families: ["claude-3-5-sonnet"],
    tool: "computer_20241022",
    images: "standard",
    context: "client",
    thinking: false,
  },
];

/** The newest beta tool: what a model missing from the table is offered (with a warning). */
export const fallbackTool: ComputerToolName = "computer_20251124";

export interface ToolChoice {
  tool: ComputerToolVersion;
  images: ImageLimits;
  context: ContextStrategy;
  thinking: boolean;
  /** False when the model is not in the table and the fallback was chosen. */
  known: boolean;
}

export function modelFamilyMatches(model: string, family: string): boolean {
  if (model === family) return true;
  if (!model.startsWith(`${family}-`)) return false;
  return /^(\d{8}|latest)$/.test(model.slice(family.length + 1));
}

/**
 * The table's row for `model`; `override` replaces its tool. A model missing from the
 * table gets the newest beta tool, standard images, client pruning and no thinking.
 */
export function computerToolFor(model: string, override?: ComputerToolName): ToolChoice {
  const row = modelToolTable.find((entry) =>
    entry.families.some((family) => modelFamilyMatches(model, family)),
  );
  const tool = computerToolVersions[override ?? row?.tool ?? fallbackTool];
  return {
    tool,
    images: imageTiers[row?.images ?? "standard"],
    context: row?.context ?? "client",
    thinking: row?.thinking ?? false,
    known: row !== undefined || override !== undefined,
  };
}
