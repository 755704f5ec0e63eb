import type { ChainLink } from "./record-hash.ts";
import { recordHash } from "./record-hash.ts";

/** One record as stored: its id, the value exactly as stored (parsed JSON) and its link. */
export interface ChainedEntry {
  id: string;
  value: unknown;
  chain: ChainLink | undefined;
}

export type ChainProblemKind = "changed" | "removed" | "reordered" | "unchained";

/** The first place a chain stops holding, named by record id and sequence number. */
export interface ChainProblem {
  kind: ChainProblemKind;
  /** The record at fault (or the one right after a removal); absent for a removed tail. */
  recordId?: string;
  seq?: number;
  message: string;
}

export type ChainVerdict =
  | { ok: true; records: number; head: { seq: number; hash: string } | undefined }
  | { ok: false; records: number; problem: ChainProblem };

/**
 * Recomputes a chain and names its first break: a record whose content no longer matches
 * its hash (changed), a missing sequence number (removed), a record out of order
 * (reordered), or a record with no link at all (unchained: written before hash chains, or
 * forged without one). `head` is where the chain must end (the stored head, or a copy kept
 * elsewhere); without it a removed tail cannot be told from a shorter trail.
 */
export function verifyChain(
  entries: readonly ChainedEntry[],
  head?: { seq: number; hash: string },
): ChainVerdict {
  const fail = (problem: ChainProblem): ChainVerdict => ({
    ok: false,
    records: entries.length,
    problem,
  });
  let expectedSeq = 1;
  let prevHash: string | null = null;
  let prevId: string | undefined;
  for (const [index, entry] of entries.entries()) {
    const { chain, id } = entry;
    if (!chain)
      return fail({ kind: "unchained", recordId: id, message: `record ${id} carries no hash` });
    const { hash: _stored, ...link } = chain;
    if (recordHash(link, entry.value) !== chain.hash) {
      return fail({
        kind: "changed",
        recordId: id,
        seq: chain.seq,
        message: `record ${id} (seq ${chain.seq}) was changed: its content no longer matches its hash`,
      });
    }
    if (chain.seq > expectedSeq) {
      const laterInTrail = entries.slice(index + 1).some((e) => e.chain?.seq === expectedSeq);
      if (laterInTrail) {
        return fail({
          kind: "reordered",
          recordId: id,
          seq: chain.seq,
          message: `record ${id} (seq ${chain.seq}) stands where seq ${expectedSeq} belongs: records were reordered`,
        });
      }
      const missing =
        chain.seq - expectedSeq === 1
          ? `seq ${expectedSeq}`
          : `seq ${expectedSeq}–${chain.seq - 1}`;
      return fail({
        kind: "removed",
        recordId: id,
        seq: chain.seq,
        message: `${missing} was removed ${prevId ? `between record ${prevId} and` : "before"} record ${id}`,
      });
    }
    if (chain.seq < expectedSeq) {
      return fail({
        kind: "reordered",
        recordId: id,
        seq: chain.seq,
        message: `record ${id} (seq ${chain.seq}) comes after seq ${expectedSeq - 1}: records were reordered`,
      });
    }
    if (chain.prev !== prevHash) {
      // This record is intact, so the one before it was rewritten and re-hashed.
      return fail({
        kind: "changed",
        ...(prevId ? { recordId: prevId } : {}),
        seq: chain.seq - 1,
        message: prevId
          ? `record ${prevId} (seq ${chain.seq - 1}) was changed: the next record names another hash for it`
          : `record ${id} (seq 1) names a predecessor: the trail's first records are gone`,
      });
    }
    prevHash = chain.hash;
    prevId = id;
    expectedSeq += 1;
  }
  const last = expectedSeq - 1;
  if (head && head.seq > last) {
    return fail({
      kind: "removed",
      message: `seq ${last + 1}${head.seq > last + 1 ? `–${head.seq}` : ""} was removed from the end${prevId ? `, after record ${prevId}` : ""}`,
    });
  }
  if (head && head.seq === last && head.hash !== prevHash) {
    return fail({
      kind: "changed",
      ...(prevId ? { recordId: prevId } : {}),
      seq: last,
      message: `record ${prevId} (seq ${last}) was changed: the chain's head names another hash for it`,
    });
  }
  return {
    ok: true,
    records: entries.length,
    head: prevHash === null ? undefined : { seq: last, hash: prevHash },
  };
}
