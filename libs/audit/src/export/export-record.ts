import { z } from "zod";
import { type AuditEvent, auditEventSchema } from "../audit-event.ts";
import type { AuditRecord } from "../audit-log.ts";
import { type ChainedEntry, type ChainVerdict, verifyChain } from "../chain/verify-chain.ts";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lower-case hex SHA-256");

/**
 * One exported audit record: one JSON line in `npm run audit -- export` and the body of
 * each shipped log record. Field names are stable (docs/AUDIT.md); new fields may be added,
 * none renamed. `type`, `runId` and `at` repeat the event's own for filtering; `event` is
 * the record exactly as hashed, so `hash` can be recomputed from the line alone.
 */
export const exportRecordSchema = z.object({
  /** Where the record is stored: its Redis stream id ("<ms>-<n>"), ordered within a run. */
  id: z.string().min(1),
  runId: z.string(),
  type: z.string(),
  at: z.string(),
  seq: z.number().int().min(1),
  prevHash: sha256.nullable(),
  hash: sha256,
  /** Hashes of the screenshots the record refers to; exported as files `<hash>.<ext>`. */
  screenshots: z.array(sha256),
  event: auditEventSchema,
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

/** The exported form of a stored record; a record without a chain link has none to export. */
export function toExportRecord(record: AuditRecord): ExportRecord {
  const { chain, event } = record;
  if (!chain) throw new Error(`record ${record.id} carries no hash: run verify on its trail`);
  return {
    id: record.id,
    runId: event.runId,
    type: event.type,
    at: event.at,
    seq: chain.seq,
    prevHash: chain.prev,
    hash: chain.hash,
    screenshots: chain.screenshots,
    event,
  };
}

export function toExportLine(record: ExportRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Verifies an exported copy (JSON lines of one run, in order) without Redis: the check a
 * security team runs on the copy in its own store. Lines of other runs are refused.
 */
export function verifyExportedLines(text: string): ChainVerdict & { runId: string | undefined } {
  const entries: ChainedEntry[] = [];
  let runId: string | undefined;
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const parsed = exportRecordSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`line ${index + 1}: ${parsed.error.message}`);
    const record = parsed.data;
    runId ??= record.runId;
    if (record.runId !== runId)
      throw new Error(`line ${index + 1}: run ${record.runId}, but the file starts with ${runId}`);
    entries.push({
      id: record.id,
      value: rawEvent(line),
      chain: {
        seq: record.seq,
        prev: record.prevHash,
        hash: record.hash,
        screenshots: record.screenshots,
      },
    });
  }
  return { runId, ...verifyChain(entries) };
}

/** The event exactly as written in the line (the schema would drop fields it does not know). */
function rawEvent(line: string): AuditEvent {
  return (JSON.parse(line) as { event: AuditEvent }).event;
}
