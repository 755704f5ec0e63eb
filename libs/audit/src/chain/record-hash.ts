import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * A record's place in its run's hash chain. `hash` covers the record's sequence number,
 * the previous record's hash, the hashes of the screenshots it refers to and the event, so
 * changing, removing or reordering any record breaks every link after it.
 */
export interface ChainLink {
  /** 1 for a run's first record, then +1 per record. */
  seq: number;
  /** The previous record's `hash`; null on the first. */
  prev: string | null;
  /** SHA-256 (lower-case hex) of the canonical JSON of {seq, prev, screenshots, event}. */
  hash: string;
  /** SHA-256 (lower-case hex) of each screenshot (PNG/JPEG bytes) the record refers to. */
  screenshots: string[];
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The hash of one record: SHA-256 over the RFC 8785 (JSON Canonicalization Scheme)
 * serialization of `{"event": …, "prev": …, "screenshots": […], "seq": n}`, so anyone can
 * recompute it with any JCS implementation. https://www.rfc-editor.org/rfc/rfc8785
 */
export function recordHash(link: Omit<ChainLink, "hash">, event: unknown): string {
  const canonical = canonicalize({
    seq: link.seq,
    prev: link.prev,
    screenshots: link.screenshots,
    event,
  });
  if (canonical === undefined) throw new TypeError("the record cannot be serialized");
  return sha256Hex(canonical);
}

/** The link of the record that follows `head` (the run's last record, or none). */
export function nextLink(
  head: { seq: number; hash: string } | undefined,
  event: unknown,
  screenshots: readonly string[],
): ChainLink {
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? null;
  const shots = [...screenshots];
  return {
    seq,
    prev,
    screenshots: shots,
    hash: recordHash({ seq, prev, screenshots: shots }, event),
  };
}
