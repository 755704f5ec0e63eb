import type { Writable } from "node:stream";
import type { AuditSink } from "./audit-sink.ts";
import { type ExportRecord, toExportLine } from "./export-record.ts";

/** JSON lines onto a stream (stdout, a file), waiting for the stream to take each batch. */
export function jsonLinesSink(output: Writable): AuditSink {
  return {
    async write(records: readonly ExportRecord[]) {
      if (records.length === 0) return;
      const text = records.map(toExportLine).join("");
      await new Promise<void>((resolve, reject) =>
        output.write(text, (err) => (err ? reject(err) : resolve())),
      );
    },
    async close() {},
  };
}
