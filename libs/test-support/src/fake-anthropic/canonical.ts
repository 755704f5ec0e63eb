import { createHash } from "node:crypto";

/**
 * A stable hash of request content: keys sorted, `cache_control` left out (it marks a
 * breakpoint; it is not content, and the client moves it every request).
 */
export function contentHash(value: unknown, seed = ""): string {
  return createHash("sha256").update(seed).update(canonical(value)).digest("base64url");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, item]) => key !== "cache_control" && item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
