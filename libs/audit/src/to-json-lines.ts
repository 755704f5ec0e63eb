import type { AuditRecord } from "./audit-log.ts";

/**
 * One JSON object per line, `{"id": …, "type": …, "runId": …, …}`: the event's fields with
 * its id first, so `jq 'select(.type == "approval.granted")'` works on the output.
 */
export function toJsonLines(records: readonly AuditRecord[]): string {
  return records
    .map((record) => `${JSON.stringify({ id: record.id, ...record.event })}\n`)
    .join("");
}
