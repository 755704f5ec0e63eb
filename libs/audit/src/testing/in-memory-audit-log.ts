import { type AuditEvent, checkRunId, parseAuditEvent } from "../audit-event.ts";
import type {
  AppendAuditOptions,
  AuditLog,
  AuditRecord,
  ChainHead,
  ReadAuditOptions,
} from "../audit-log.ts";
import { nextLink, sha256Hex } from "../chain/record-hash.ts";
import type { ChainedEntry } from "../chain/verify-chain.ts";
import type { VerifiableTrail } from "../verify-trail.ts";

/**
 * The AuditLog contract without Redis, for tests of the parts that write the trail. Ids look
 * like stream ids ("0-1", "0-2", …), `from`/`count` behave as in RedisStreamAuditLog, and
 * records are chained with the same hashes.
 */
export class InMemoryAuditLog implements AuditLog, VerifiableTrail {
  private readonly runs = new Map<string, AuditRecord[]>();
  private readonly shots = new Map<string, Buffer>();
  private sequence = 0;
  private readonly onceKeys = new Set<string>();

  async appendOnce(
    event: AuditEvent,
    onceKey: string,
    options: AppendAuditOptions = {},
  ): Promise<string | undefined> {
    const key = `${event.runId}\u0000${onceKey}`;
    if (this.onceKeys.has(key)) return undefined;
    this.onceKeys.add(key);
    try {
      return await this.append(event, options);
    } catch (err) {
      this.onceKeys.delete(key);
      throw err;
    }
  }

  async append(event: AuditEvent, options: AppendAuditOptions = {}): Promise<string> {
    const parsed = parseAuditEvent(event, "audit_event_invalid");
    const records = this.runs.get(parsed.runId) ?? [];
    const hashes: string[] = [];
    for (const bytes of options.screenshots ?? []) {
      const sha = sha256Hex(bytes);
      hashes.push(sha);
      this.shots.set(`${parsed.runId}/${sha}`, Buffer.from(bytes));
    }
    const last = records.at(-1)?.chain;
    this.sequence += 1;
    const record: AuditRecord = {
      id: `0-${this.sequence}`,
      event: structuredClone(parsed),
      chain: nextLink(last, parsed, hashes),
    };
    records.push(record);
    this.runs.set(parsed.runId, records);
    return record.id;
  }

  async read(runId: string, options: ReadAuditOptions = {}): Promise<AuditRecord[]> {
    checkRunId(runId);
    const from = options.from === undefined ? 0 : sequenceOf(options.from);
    const to = options.to === undefined ? Number.POSITIVE_INFINITY : sequenceOf(options.to);
    const records = (this.runs.get(runId) ?? []).filter((record) => {
      const sequence = sequenceOf(record.id);
      return sequence >= from && sequence <= to;
    });
    return structuredClone(options.count === undefined ? records : records.slice(0, options.count));
  }

  async readEntries(runId: string): Promise<ChainedEntry[]> {
    return (await this.read(runId)).map((r) => ({ id: r.id, value: r.event, chain: r.chain }));
  }

  async head(runId: string): Promise<ChainHead | undefined> {
    const last = this.runs.get(runId)?.at(-1);
    return last?.chain ? { seq: last.chain.seq, hash: last.chain.hash, id: last.id } : undefined;
  }

  async screenshot(runId: string, sha256: string): Promise<Buffer | undefined> {
    const bytes = this.shots.get(`${runId}/${sha256}`);
    return bytes ? Buffer.from(bytes) : undefined;
  }

  /** Every event of a run, in order: the usual assertion in a test. */
  eventsOf(runId: string): AuditEvent[] {
    return (this.runs.get(runId) ?? []).map((record) => structuredClone(record.event));
  }

  /** The event types of a run, in order. */
  typesOf(runId: string): AuditEvent["type"][] {
    return this.eventsOf(runId).map((event) => event.type);
  }
}

function sequenceOf(id: string): number {
  const match = /^0-(\d+)$/.exec(id);
  if (!match) throw new RangeError(`not an in-memory audit id: ${id}`);
  return Number(match[1]);
}
