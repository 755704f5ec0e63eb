import { type AuditEvent, checkRunId, parseAuditEvent } from "../audit-event.ts";
import type { AuditLog, AuditRecord, ReadAuditOptions } from "../audit-log.ts";

/**
 * The AuditLog contract without Redis, for tests of the parts that write the trail. Ids look
 * like stream ids ("0-1", "0-2", …) and `from`/`count` behave as in RedisStreamAuditLog.
 */
export class InMemoryAuditLog implements AuditLog {
  private readonly runs = new Map<string, AuditRecord[]>();
  private sequence = 0;
  private readonly onceKeys = new Set<string>();

  async appendOnce(event: AuditEvent, onceKey: string): Promise<string | undefined> {
    const key = `${event.runId}\u0000${onceKey}`;
    if (this.onceKeys.has(key)) return undefined;
    this.onceKeys.add(key);
    try {
      return await this.append(event);
    } catch (err) {
      this.onceKeys.delete(key);
      throw err;
    }
  }

  async append(event: AuditEvent): Promise<string> {
    const parsed = parseAuditEvent(event, "audit_event_invalid");
    this.sequence += 1;
    const record = { id: `0-${this.sequence}`, event: structuredClone(parsed) };
    const records = this.runs.get(parsed.runId) ?? [];
    records.push(record);
    this.runs.set(parsed.runId, records);
    return record.id;
  }

  async read(runId: string, options: ReadAuditOptions = {}): Promise<AuditRecord[]> {
    checkRunId(runId);
    const from = options.from === undefined ? 0 : sequenceOf(options.from);
    const records = (this.runs.get(runId) ?? []).filter((record) => sequenceOf(record.id) >= from);
    return structuredClone(options.count === undefined ? records : records.slice(0, options.count));
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
