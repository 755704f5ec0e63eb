import { createHash } from "node:crypto";
import { contentHash } from "./canonical.ts";
import type { RecordedRequest } from "./fake-anthropic-types.ts";
import { imageSize } from "./image-size.ts";

type Block = Record<string, unknown>;

export interface InputUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** A prefix shorter than this is never cached (the smallest minimum the docs give). */
const minimumCacheable = 1024;
/** How far before a breakpoint the API looks for an earlier cache entry. */
const lookback = 20;

/**
 * The API's prompt-cache accounting, after its documented prefix rule
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching): the request is
 * read as one sequence — tools, system, then each message's blocks — and each block with
 * `cache_control` writes an entry keyed by everything up to it. A later request reads the
 * longest such prefix it repeats exactly (checked at its own breakpoints and up to 20
 * blocks before each), writes what lies between that and its last breakpoint, and pays
 * the rest as input. Tokens are estimated: ~4 characters of text, or width×height/750 for
 * an image.
 */
export class PromptCache {
  private readonly entries = new Set<string>();

  account(body: RecordedRequest["body"]): InputUsage {
    const blocks = sequence(body);
    const hashes: string[] = [];
    const totals: number[] = [];
    let chain = body.model;
    let total = 0;
    for (const block of blocks) {
      chain = createHash("sha256").update(chain).update(contentHash(block)).digest("base64url");
      total += tokensOf(block);
      hashes.push(chain);
      totals.push(total);
    }
    const breakpoints = blocks.flatMap((block, index) => (block.cache_control ? [index] : []));
    let hit = -1;
    for (const point of breakpoints) {
      for (let k = point; k >= Math.max(0, point - lookback); k -= 1) {
        if (this.entries.has(hashes[k]!)) {
          hit = Math.max(hit, k);
          break;
        }
      }
    }
    const last = breakpoints.at(-1) ?? -1;
    const read = hit >= 0 ? totals[hit]! : 0;
    let written = 0;
    if (last > hit && totals[last]! >= minimumCacheable) {
      written = totals[last]! - read;
      for (const point of breakpoints)
        if (totals[point]! >= minimumCacheable) this.entries.add(hashes[point]!);
    }
    return {
      input_tokens: total - read - written,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written,
    };
  }
}

function sequence(body: RecordedRequest["body"]): Block[] {
  const system =
    typeof body.system === "string"
      ? [{ type: "text", text: body.system }]
      : ((body.system as Block[] | undefined) ?? []);
  const messages = body.messages.flatMap((message) =>
    typeof message.content === "string"
      ? [{ role: message.role, type: "text", text: message.content }]
      : message.content.map((block) => ({ role: message.role, ...block })),
  );
  return [...(body.tools ?? []), ...system, ...messages];
}

function tokensOf(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + tokensOf(item), 0);
  if (!value || typeof value !== "object") return Math.ceil(String(value ?? "").length / 4);
  const block = value as Block;
  if (block.type === "image") {
    const size = imageSize(String((block.source as Block | undefined)?.data ?? ""));
    return size ? Math.ceil((size.width * size.height) / 750) : 1_600;
  }
  let sum = 0;
  for (const [key, item] of Object.entries(block)) {
    if (key === "cache_control" || key === "type" || key === "role") continue;
    sum += tokensOf(item);
  }
  return Math.max(1, sum);
}
