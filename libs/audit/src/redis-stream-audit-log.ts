import { AppError } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { type AuditEvent, checkRunId, parseAuditEvent } from "./audit-event.ts";
import type { AuditLog, AuditRecord, ReadAuditOptions } from "./audit-log.ts";

export interface RedisStreamAuditLogOptions {
  redis: Redis;
  /** Namespace before `audit:{runId}`, e.g. "deskgate:". Empty by default. */
  keyPrefix?: string;
  /** Keep at most this many events per run (oldest trimmed). Unbounded by default. */
  maxLenPerRun?: number;
}

/** The field holding the event's JSON in each stream entry. */
const eventField = "event";

/** The stream of one run's audit events. */
export function auditStreamKey(runId: string, keyPrefix = ""): string {
  return `${keyPrefix}audit:${runId}`;
}

/**
 * KEYS: the stream, the hash of once-keys → entry ids. ARGV: once-key, event JSON, MAXLEN
 * ("" for none). Returns the new id, or false when the once-key was used already.
 */
const appendOnceScript = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return false end
local id
if ARGV[3] == '' then
  id = redis.call('XADD', KEYS[1], '*', '${eventField}', ARGV[2])
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[3], '*', '${eventField}', ARGV[2])
end
redis.call('HSET', KEYS[2], ARGV[1], id)
return id
`;

/**
 * One Redis stream per run, one entry per event. Streams are append-only with ids that
 * order the entries, and persist with the server's AOF.
 * https://redis.io/docs/latest/develop/data-types/streams/
 */
export class RedisStreamAuditLog implements AuditLog {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly maxLenPerRun: number | undefined;

  constructor(options: RedisStreamAuditLogOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix ?? "";
    this.maxLenPerRun = options.maxLenPerRun;
    if (
      this.maxLenPerRun !== undefined &&
      !(Number.isInteger(this.maxLenPerRun) && this.maxLenPerRun > 0)
    ) {
      throw new RangeError(`maxLenPerRun must be a positive integer, got ${this.maxLenPerRun}`);
    }
  }

  async append(event: AuditEvent): Promise<string> {
    const parsed = parseAuditEvent(event, "audit_event_invalid");
    const key = auditStreamKey(parsed.runId, this.keyPrefix);
    const json = JSON.stringify(parsed);
    // Exact trimming (=), not "~": an audit trail should keep exactly what it promises.
    const id =
      this.maxLenPerRun === undefined
        ? await this.redis.xadd(key, "*", eventField, json)
        : await this.redis.xadd(key, "MAXLEN", "=", this.maxLenPerRun, "*", eventField, json);
    if (id === null) throw new AppError("audit_append_failed", `XADD to ${key} returned no id`);
    return id;
  }

  async appendOnce(event: AuditEvent, onceKey: string): Promise<string | undefined> {
    const parsed = parseAuditEvent(event, "audit_event_invalid");
    const key = auditStreamKey(parsed.runId, this.keyPrefix);
    const id = (await this.redis.eval(
      appendOnceScript,
      2,
      key,
      `${key}:once`,
      onceKey,
      JSON.stringify(parsed),
      this.maxLenPerRun === undefined ? "" : String(this.maxLenPerRun),
    )) as string | null;
    return id ?? undefined;
  }

  async read(runId: string, options: ReadAuditOptions = {}): Promise<AuditRecord[]> {
    checkRunId(runId);
    const key = auditStreamKey(runId, this.keyPrefix);
    const start = options.from ?? "-";
    const entries =
      options.count === undefined
        ? await this.redis.xrange(key, start, "+")
        : await this.redis.xrange(key, start, "+", "COUNT", options.count);
    const records: AuditRecord[] = [];
    const problems: string[] = [];
    for (const [id, fields] of entries) {
      try {
        records.push({ id, event: decodeEntry(fields) });
      } catch (error) {
        problems.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // A bad entry is reported, never skipped: a gap in an audit trail must be visible.
    if (problems.length > 0) {
      throw new AppError(
        "audit_record_invalid",
        `${key} holds malformed entries: ${problems.join(" | ")}`,
      );
    }
    return records;
  }
}

function decodeEntry(fields: readonly string[]): AuditEvent {
  const index = fields.indexOf(eventField);
  const json = index % 2 === 0 ? fields[index + 1] : undefined;
  if (json === undefined) throw new Error(`no "${eventField}" field`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("the event is not valid JSON");
  }
  return parseAuditEvent(raw, "audit_record_invalid");
}
