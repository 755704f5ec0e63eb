/**
 * `{value}`: Redis Cluster hashes only the part of a key between the first `{` and the
 * next `}` (the hash tag), so every key that carries the same tag lives in one slot and a
 * Lua script or MULTI may touch them together. A single Redis ignores the braces.
 * https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 */
export function hashTag(value: string): string {
  if (value.length === 0 || /[{}]/.test(value))
    throw new RangeError(
      `a hash tag needs a non-empty value without braces, got ${JSON.stringify(value)}`,
    );
  return `{${value}}`;
}
