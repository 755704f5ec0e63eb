/**
 * What the fake knows of each model, as the API behaves for it. Families match as the
 * product's table does: the name alone, or followed by a date snapshot or `-latest`.
 */
const matches = (model: string, families: readonly string[]) =>
  families.some(
    (family) =>
      model === family ||
      (model.startsWith(`${family}-`) && /^(\d{8}|latest)$/.test(model.slice(family.length + 1))),
  );

/**
 * Models that bind each thinking block to the conversation before it: a request whose
 * messages before a thinking block changed since it was made fails with a 400, unless
 * `thinking.block_binding.prefix_mismatch_behavior` is "drop_block" (@anthropic-ai/sdk
 * `BetaThinkingBlockBinding`, src/resources/beta/messages/messages.ts).
 */
export function bindsThinking(model: string): boolean {
  return matches(model, ["claude-opus-5-5", "claude-sonnet-5-5", "claude-fable-5-1"]);
}

/** Fable models think on every turn, whatever the request says (model migration notes). */
export function alwaysThinks(model: string): boolean {
  return model.startsWith("claude-fable-");
}

/** The largest image side and pixel count a model takes (high tier: Opus 4.7 and later). */
export function imageLimitsOf(model: string): { maxSide: number; maxPixels: number } {
  return matches(model, ["claude-opus-5-5", "claude-opus-5", "claude-opus-4-8", "claude-opus-4-7"])
    ? { maxSide: 2576, maxPixels: 3_750_000 }
    : { maxSide: 1568, maxPixels: 1_150_000 };
}
