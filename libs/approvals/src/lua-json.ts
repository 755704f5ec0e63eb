import type { z } from "zod";

/**
 * Parses JSON that went through a Lua script. Redis's cjson cannot tell an empty array
 * from an empty object (both are an empty Lua table) and writes `[]` back as `{}`
 * (redis/redis#856; `decode_array_with_array_mt` only arrived in Redis 8). So where the
 * schema expects an array and the stored value is an empty object, it is read as the
 * empty array it was, and the value parsed again. Anything else wrong stays wrong.
 */
export function parseLuaJson<S extends z.ZodType>(
  schema: S,
  raw: string,
): z.ZodSafeParseResult<z.output<S>> {
  const data: unknown = JSON.parse(raw);
  for (;;) {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed;
    const repaired = parsed.error.issues.filter(
      (issue) =>
        issue.code === "invalid_type" &&
        issue.expected === "array" &&
        emptyObjectToArray(data, issue.path),
    );
    if (repaired.length === 0) return parsed;
  }
}

function emptyObjectToArray(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  if (parent === null || typeof parent !== "object") return false;
  const last = path.at(-1)!;
  const value = (parent as Record<PropertyKey, unknown>)[last];
  const isEmptyObject =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0;
  if (!isEmptyObject) return false;
  (parent as Record<PropertyKey, unknown>)[last] = [];
  return true;
}
