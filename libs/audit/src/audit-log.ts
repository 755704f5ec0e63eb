import type { AuditEvent } from "./audit-event.ts";
import type { ChainLink } from "./chain/record-hash.ts";

/**
 * One stored event with the id the log gave it (a Redis stream id: "1732530000000-0") and
 * its link in the run's hash chain. `chain` is absent only on records written before
 * deskgate kept hash chains; `verify` reports those.
 */
export interface AuditRecord {
  id: string;
  event: AuditEvent;
  chain?: ChainLink | undefined;
}

export interface ReadAuditOptions {
  /** First id to return (inclusive); the start of the run when absent. */
  from?: string | undefined;
  /** Last id to return (inclusive); the end of the run when absent. */
  to?: string | undefined;
  /** At most this many records; all when absent. */
  count?: number | undefined;
}

export interface AppendAuditOptions {
  /**
   * Screenshots the record refers to (what an approver was shown, image bytes). Their
   * SHA-256 hashes go into the record and its chain hash; the bytes are kept beside the
   * trail, named by hash, until the screenshot retention ends.
   */
  screenshots?: readonly Uint8Array[];
}

/** The newest record of a run: the value the whole chain must lead to. */
export interface ChainHead {
  seq: number;
  hash: string;
  id: string;
}

/**
 * The audit trail port. `append` validates the event and returns its id; `read` returns a
 * run's events in the order they were appended and fails loudly on a malformed entry.
 * Appends are chained: each record carries the previous record's hash (see ChainLink), and
 * concurrent writers to one run never fork the chain.
 */
export interface AuditLog {
  append(event: AuditEvent, options?: AppendAuditOptions): Promise<string>;
  /**
   * Appends unless an event was already appended under `onceKey` for this run (then returns
   * undefined). Atomic: of two writers racing (a decision's follow-up and a worker repairing
   * it after a crash), exactly one writes, so the trail holds the record once and in order.
   */
  appendOnce(
    event: AuditEvent,
    onceKey: string,
    options?: AppendAuditOptions,
  ): Promise<string | undefined>;
  read(runId: string, options?: ReadAuditOptions): Promise<AuditRecord[]>;
  /** The run's newest record, or undefined for a run with no chained record. */
  head(runId: string): Promise<ChainHead | undefined>;
  /** A screenshot a record refers to, by its SHA-256; undefined once expired or never kept. */
  screenshot(runId: string, sha256: string): Promise<Buffer | undefined>;
}
