import { AppError } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import type { ChainHead } from "../audit-log.ts";
import { type ChainLink, nextLink, sha256Hex } from "./record-hash.ts";

/** The keys of one chained stream; all must share a hash tag (one Redis Cluster slot). */
export interface ChainedStreamKeys {
  stream: string;
  once: string;
  head: string;
  screenshots: string;
}

/** One stream entry as stored: the value's JSON and its chain link (absent on legacy entries). */
export interface RawChainedEntry {
  id: string;
  json: string | undefined;
  chain: ChainLink | undefined;
}

const fields = {
  value: "event",
  seq: "seq",
  prev: "prev",
  hash: "hash",
  screenshots: "screenshots",
} as const;

/**
 * KEYS: stream, once-keys hash, head hash, screenshots hash.
 * ARGV: once-key ('' for none), expected head hash ('' for an empty chain), seq, hash,
 * value JSON, screenshot hashes (space-separated), then the screenshots' bytes in order.
 * Returns {'ok', id} | {'once', id} | {'moved', seq, hash} (another writer appended first:
 * the caller re-links to the returned head and tries again). Check and append are one
 * script, so the chain never forks and a once-key is used at most once.
 */
const appendScript = `
if ARGV[1] ~= '' then
  local existing = redis.call('HGET', KEYS[2], ARGV[1])
  if existing then return {'once', existing} end
end
local head = redis.call('HMGET', KEYS[3], 'seq', 'hash')
local headHash = head[2] or ''
if headHash ~= ARGV[2] then return {'moved', head[1] or '0', headHash} end
local shots = {}
for sha in string.gmatch(ARGV[6], '%S+') do table.insert(shots, sha) end
for i, sha in ipairs(shots) do redis.call('HSETNX', KEYS[4], sha, ARGV[6 + i]) end
local id = redis.call('XADD', KEYS[1], '*', '${fields.value}', ARGV[5], '${fields.seq}', ARGV[3],
  '${fields.prev}', ARGV[2], '${fields.hash}', ARGV[4], '${fields.screenshots}', ARGV[6])
redis.call('HSET', KEYS[3], 'seq', ARGV[3], 'hash', ARGV[4], 'id', id)
if ARGV[1] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], id) end
return {'ok', id}
`;

/** Enough for hundreds of writers racing on one run; each loss costs one round trip. */
const maxAttempts = 1_000;

export type ChainedAppendResult =
  | { kind: "appended"; id: string; link: ChainLink }
  | { kind: "once"; id: string };

/** Appends `value` (a JSON-able object) to the chain, linked to the head it finds. */
export async function appendChained(
  redis: Redis,
  keys: ChainedStreamKeys,
  value: unknown,
  options: { onceKey?: string | undefined; screenshots?: readonly Uint8Array[] | undefined } = {},
): Promise<ChainedAppendResult> {
  const json = JSON.stringify(value);
  const shots = options.screenshots ?? [];
  const hashes = shots.map((bytes) => sha256Hex(bytes));
  let head: { seq: number; hash: string } | undefined = await readHead(redis, keys);
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const link = nextLink(head, value, hashes);
    const reply = (await redis.eval(
      appendScript,
      4,
      keys.stream,
      keys.once,
      keys.head,
      keys.screenshots,
      options.onceKey ?? "",
      link.prev ?? "",
      String(link.seq),
      link.hash,
      json,
      hashes.join(" "),
      ...shots.map((bytes) => Buffer.from(bytes)),
    )) as [string, string, string?];
    const [kind, first, second] = reply;
    if (kind === "ok") return { kind: "appended", id: first, link };
    if (kind === "once") return { kind: "once", id: first };
    head = second ? { seq: Number(first), hash: second } : undefined;
  }
  throw new AppError(
    "audit_append_contended",
    `${keys.stream}: ${maxAttempts} writers got in first`,
  );
}

export async function readHead(
  redis: Redis,
  keys: ChainedStreamKeys,
): Promise<ChainHead | undefined> {
  const [seq, hash, id] = await redis.hmget(keys.head, "seq", "hash", "id");
  if (!seq || !hash || !id) return undefined;
  return { seq: Number(seq), hash, id };
}

/** Entries in stream order, from/to inclusive (stream ids, or ms timestamps). */
export async function readChained(
  redis: Redis,
  keys: ChainedStreamKeys,
  options: { from?: string | undefined; to?: string | undefined; count?: number | undefined } = {},
): Promise<RawChainedEntry[]> {
  const start = options.from ?? "-";
  const end = options.to ?? "+";
  const entries =
    options.count === undefined
      ? await redis.xrange(keys.stream, start, end)
      : await redis.xrange(keys.stream, start, end, "COUNT", options.count);
  return entries.map(([id, list]) => decode(id, list));
}

function decode(id: string, list: readonly string[]): RawChainedEntry {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) values.set(list[i]!, list[i + 1]!);
  const seq = values.get(fields.seq);
  const hash = values.get(fields.hash);
  const chain =
    seq === undefined || hash === undefined
      ? undefined
      : {
          seq: Number(seq),
          prev: values.get(fields.prev) || null,
          hash,
          screenshots: (values.get(fields.screenshots) ?? "").split(" ").filter(Boolean),
        };
  return { id, json: values.get(fields.value), chain };
}
