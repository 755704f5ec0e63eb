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
  const at: Position = { seq: 1, prevHash: null, prevId: undefined };
  for (const [index, entry] of entries.entries()) {
    const problem = linkProblem(entry, entries.slice(index + 1), at);
    if (problem) return fail(problem);
    at.prevHash = entry.chain!.hash;
    at.prevId = entry.id;
    at.seq += 1;
  }
  const problem = head ? tailProblem(head, at) : undefined;
  if (problem) return fail(problem);
  return {
    ok: true,
    records: entries.length,
    head: at.prevHash === null ? undefined : { seq: at.seq - 1, hash: at.prevHash },
  };
}

/** Where the walk is: the seq the next record must have, and the record before it. */
interface Position {
  seq: number;
  prevHash: string | null;
  prevId: string | undefined;
}

function linkProblem(
  entry: ChainedEntry,
  later: readonly ChainedEntry[],
  at: Position,
): ChainProblem | undefined {
  const { chain, id } = entry;
  if (!chain) return { kind: "unchained", recordId: id, message: `record ${id} carries no hash` };
  const { hash: _stored, ...link } = chain;
  const named = { recordId: id, seq: chain.seq };
  if (recordHash(link, entry.value) !== chain.hash) {
    return {
      kind: "changed",
      ...named,
      message: `record ${id} (seq ${chain.seq}) was changed: its content no longer matches its hash`,
    };
  }
  if (chain.seq > at.seq && later.some((e) => e.chain?.seq === at.seq)) {
    return {
      kind: "reordered",
      ...named,
      message: `record ${id} (seq ${chain.seq}) stands where seq ${at.seq} belongs: records were reordered`,
    };
  }
  if (chain.seq > at.seq) {
    const missing = chain.seq - at.seq === 1 ? `seq ${at.seq}` : `seq ${at.seq}–${chain.seq - 1}`;
    const where = at.prevId ? `between record ${at.prevId} and` : "before";
    return { kind: "removed", ...named, message: `${missing} was removed ${where} record ${id}` };
  }
  if (chain.seq < at.seq) {
    return {
      kind: "reordered",
      ...named,
      message: `record ${id} (seq ${chain.seq}) comes after seq ${at.seq - 1}: records were reordered`,
    };
  }
  if (chain.prev === at.prevHash) return undefined;
  if (!at.prevId) {
    return {
      kind: "removed",
      ...named,
      message: `record ${id} (seq 1) names a predecessor: the trail's first record was replaced`,
    };
  }
  // This record is intact, so the one before it was rewritten and re-hashed.
  return {
    kind: "changed",
    recordId: at.prevId,
    seq: chain.seq - 1,
    message: `record ${at.prevId} (seq ${chain.seq - 1}) was changed: the next record names another hash for it`,
  };
}

/** The chain must end at `head`: fewer records means the last ones were removed. */
function tailProblem(head: { seq: number; hash: string }, at: Position): ChainProblem | undefined {
  const last = at.seq - 1;
  if (head.seq > last) {
    const range = head.seq > last + 1 ? `${last + 1}–${head.seq}` : `${last + 1}`;
    const after = at.prevId ? `, after record ${at.prevId}` : "";
    return { kind: "removed", message: `seq ${range} was removed from the end${after}` };
  }
  if (head.seq === last && head.hash !== at.prevHash) {
    return {
      kind: "changed",
      ...(at.prevId ? { recordId: at.prevId } : {}),
      seq: last,
      message: `record ${at.prevId} (seq ${last}) was changed: the chain's head names another hash for it`,
    };
  }
  return undefined;
}
