import { checkRunId } from "./audit-event.ts";
import type { ChainHead } from "./audit-log.ts";
import { sha256Hex } from "./chain/record-hash.ts";
import type { ChainedEntry, ChainProblem } from "./chain/verify-chain.ts";
import { verifyChain } from "./chain/verify-chain.ts";

/** What verify needs of a trail's storage: entries exactly as stored, the head, screenshots. */
export interface VerifiableTrail {
  readEntries(runId: string): Promise<ChainedEntry[]>;
  head(runId: string): Promise<ChainHead | undefined>;
  screenshot(runId: string, sha256: string): Promise<Buffer | undefined>;
}

export type TrailProblem =
  | ChainProblem
  | {
      kind: "screenshot_changed" | "screenshot_missing";
      recordId: string;
      seq: number;
      message: string;
    };

export type TrailVerdict =
  | { runId: string; ok: true; records: number; head: { seq: number; hash: string } | undefined }
  | { runId: string; ok: false; records: number; problem: TrailProblem };

/**
 * Recomputes a run's hash chain up to its stored head, then checks every screenshot a
 * record refers to against its hash. A screenshot may be missing only when a later
 * `audit.screenshots_expired` record of the same chain says retention removed it.
 */
export async function verifyTrail(trail: VerifiableTrail, runId: string): Promise<TrailVerdict> {
  checkRunId(runId);
  const [entries, head] = await Promise.all([trail.readEntries(runId), trail.head(runId)]);
  const chain = verifyChain(entries, head);
  if (!chain.ok) return { runId, ...chain };
  const expiredThrough = Math.max(
    0,
    ...entries.map((entry) => expiredThroughSeq(entry.value) ?? 0),
  );
  for (const entry of entries) {
    const { chain: link, id } = entry;
    if (!link) continue;
    for (const sha of link.screenshots) {
      const bytes = await trail.screenshot(runId, sha);
      if (bytes === undefined) {
        if (link.seq <= expiredThrough) continue;
        return {
          runId,
          ok: false,
          records: entries.length,
          problem: {
            kind: "screenshot_missing",
            recordId: id,
            seq: link.seq,
            message: `screenshot ${sha} of record ${id} (seq ${link.seq}) is gone, and no expiry of it was recorded`,
          },
        };
      }
      if (sha256Hex(bytes) !== sha) {
        return {
          runId,
          ok: false,
          records: entries.length,
          problem: {
            kind: "screenshot_changed",
            recordId: id,
            seq: link.seq,
            message: `screenshot ${sha} of record ${id} (seq ${link.seq}) was changed: its bytes no longer match its hash`,
          },
        };
      }
    }
  }
  return { runId, ...chain };
}

function expiredThroughSeq(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as { type?: unknown; throughSeq?: unknown };
  return record.type === "audit.screenshots_expired" && typeof record.throughSeq === "number"
    ? record.throughSeq
    : undefined;
}
