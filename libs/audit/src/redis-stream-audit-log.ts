import { AppError } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { type AuditEvent, checkRunId, parseAuditEvent } from "./audit-event.ts";
import { auditKeys } from "./audit-keys.ts";
import type {
  AppendAuditOptions,
  AuditLog,
  AuditRecord,
  ChainHead,
  ReadAuditOptions,
} from "./audit-log.ts";
import {
  appendChained,
  type ChainedStreamKeys,
  type RawChainedEntry,
  readChained,
  readHead,
} from "./chain/redis-chained-stream.ts";
import type { ChainedEntry } from "./chain/verify-chain.ts";
import type { VerifiableTrail } from "./verify-trail.ts";

export { auditStreamKey } from "./audit-keys.ts";

export interface RedisStreamAuditLogOptions {
  redis: Redis;
  /** Namespace before `audit:{runId}`, e.g. "deskgate:". Empty by default. */
  keyPrefix?: string;
  /** The clock of the run index (when a run last had a record). */
  now?: () => Date;
}

/**
 * One Redis stream per run, one hash-chained entry per event (see ChainLink). Streams are
 * append-only with ids that order the entries, and persist with the server's AOF.
 * https://redis.io/docs/latest/develop/data-types/streams/
 */
export class RedisStreamAuditLog implements AuditLog, VerifiableTrail {
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof auditKeys>;
  private readonly now: () => Date;

  constructor(options: RedisStreamAuditLogOptions) {
    this.redis = options.redis;
    this.keys = auditKeys(options.keyPrefix ?? "");
    this.now = options.now ?? (() => new Date());
  }

  async append(event: AuditEvent, options: AppendAuditOptions = {}): Promise<string> {
    const result = await this.write(event, undefined, options);
    if (result === undefined) throw new AppError("audit_append_failed", "append returned no id");
    return result;
  }

  appendOnce(
    event: AuditEvent,
    onceKey: string,
    options: AppendAuditOptions = {},
  ): Promise<string | undefined> {
    return this.write(event, onceKey, options);
  }

  async read(runId: string, options: ReadAuditOptions = {}): Promise<AuditRecord[]> {
    checkRunId(runId);
    const entries = await readChained(this.redis, this.runKeys(runId), options);
    const records: AuditRecord[] = [];
    const problems: string[] = [];
    for (const entry of entries) {
      try {
        records.push({ id: entry.id, event: decodeEvent(entry), chain: entry.chain });
      } catch (error) {
        problems.push(`${entry.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // A bad entry is reported, never skipped: a gap in an audit trail must be visible.
    if (problems.length > 0) {
      throw new AppError(
        "audit_record_invalid",
        `${this.keys.stream(runId)} holds malformed entries: ${problems.join(" | ")}`,
      );
    }
    return records;
  }

  /** Entries exactly as stored (what verify hashes), not re-parsed by the schema. */
  async readEntries(runId: string): Promise<ChainedEntry[]> {
    checkRunId(runId);
    const entries = await readChained(this.redis, this.runKeys(runId));
    return entries.map((entry) => ({
      id: entry.id,
      value: parseStored(entry.json),
      chain: entry.chain,
    }));
  }

  head(runId: string): Promise<ChainHead | undefined> {
    checkRunId(runId);
    return readHead(this.redis, this.runKeys(runId));
  }

  async screenshot(runId: string, sha256: string): Promise<Buffer | undefined> {
    checkRunId(runId);
    return (await this.redis.hgetBuffer(this.keys.screenshots(runId), sha256)) ?? undefined;
  }

  /** Runs whose newest record is within [fromMs, toMs], oldest activity first. */
  async runsActiveBetween(fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.index, fromMs, toMs);
  }

  /** The keys of one run's chain: what retention deletes and verify reads. */
  runKeys(runId: string): ChainedStreamKeys {
    return this.keys.run(runId);
  }

  private async write(
    event: AuditEvent,
    onceKey: string | undefined,
    options: AppendAuditOptions,
  ): Promise<string | undefined> {
    const parsed = parseAuditEvent(event, "audit_event_invalid");
    // Indexed before the append (its own slot): a crash between leaves an index entry
    // with nothing new behind it, never a record that export and retention cannot find.
    await this.redis.zadd(this.keys.index, "GT", this.now().getTime(), parsed.runId);
    const result = await appendChained(this.redis, this.runKeys(parsed.runId), parsed, {
      onceKey,
      screenshots: options.screenshots,
    });
    return result.kind === "appended" ? result.id : undefined;
  }
}

/** The stored JSON as a value; a string that is not JSON stays a string (and fails its hash). */
function parseStored(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function decodeEvent(entry: RawChainedEntry): AuditEvent {
  if (entry.json === undefined) throw new Error('no "event" field');
  let raw: unknown;
  try {
    raw = JSON.parse(entry.json);
  } catch {
    throw new Error("the event is not valid JSON");
  }
  return parseAuditEvent(raw, "audit_record_invalid");
}
