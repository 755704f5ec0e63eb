import type { ExportRecord } from "./export-record.ts";

/**
 * Where exported records go. `write` resolves once the batch is delivered (written, or
 * accepted by the receiver) and throws otherwise, so an exporter never moves past a record
 * that did not arrive.
 */
export interface AuditSink {
  write(records: readonly ExportRecord[]): Promise<void>;
  close(): Promise<void>;
}
