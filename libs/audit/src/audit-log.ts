import type { AuditEvent } from "./audit-event.ts";

/** One stored event with the id the log gave it (a Redis stream id: "1732530000000-0"). */
export interface AuditRecord {
  id: string;
  event: AuditEvent;
}

export interface ReadAuditOptions {
  /** First id to return (inclusive); the start of the run when absent. */
  from?: string | undefined;
  /** At most this many records; all when absent. */
  count?: number | undefined;
}

/**
 * The audit trail port. `append` validates the event and returns its id; `read` returns a
 * run's events in the order they were appended and fails loudly on a malformed entry.
 */
export interface AuditLog {
  append(event: AuditEvent): Promise<string>;
  /**
   * Appends unless an event was already appended under `onceKey` for this run (then returns
   * undefined). Atomic: of two writers racing (a decision's follow-up and a worker repairing
   * it after a crash), exactly one writes, so the trail holds the record once and in order.
   */
  appendOnce(event: AuditEvent, onceKey: string): Promise<string | undefined>;
  read(runId: string, options?: ReadAuditOptions): Promise<AuditRecord[]>;
}
