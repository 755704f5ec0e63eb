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
 * Model family → tool. A model id matches a family when it is the family itself or the
 * family followed by a date snapshot (`-20250929`) or `-latest`, so `claude-opus-5-5` is
 * never taken for `claude-opus-5`.
 */
export const modelToolTable: ReadonlyArray<{
  families: readonly string[];
  tool: ComputerToolName;
}> = [
  {
    families: ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"],
    tool: "computer_toolset_20260801",
  },
  {
    families: ["claude-opus-5", "claude-sonnet-5", "claude-opus-4-8", "claude-opus-4-7"],
    tool: "computer_20251124",
  },
  {
    families: ["claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-5"],
    tool: "computer_20251124",
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
  },
  { families: ["claude-3-5-sonnet"], tool: "computer_20241022" },
];

/** The newest beta tool: what a model missing from the table is offered (with a warning). */
export const fallbackTool: ComputerToolName = "computer_20251124";

export interface ToolChoice {
  tool: ComputerToolVersion;
  /** False when the model is not in the table and the fallback was chosen. */
  known: boolean;
}

export function modelFamilyMatches(model: string, family: string): boolean {
  if (model === family) return true;
  if (!model.startsWith(`${family}-`)) return false;
  return /^(\d{8}|latest)$/.test(model.slice(family.length + 1));
}

/** `override` wins; otherwise the table; otherwise the newest beta tool. */
export function computerToolFor(model: string, override?: ComputerToolName): ToolChoice {
  if (override) return { tool: computerToolVersions[override], known: true };
  const row = modelToolTable.find((entry) =>
    entry.families.some((family) => modelFamilyMatches(model, family)),
  );
  return row
    ? { tool: computerToolVersions[row.tool], known: true }
    : { tool: computerToolVersions[fallbackTool], known: false };
}
