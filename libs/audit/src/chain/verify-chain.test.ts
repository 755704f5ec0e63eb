import { describe, expect, it } from "vitest";
import { sampleAuditEvents } from "../testing/sample-audit-events.ts";
import { nextLink, recordHash } from "./record-hash.ts";
import { type ChainedEntry, verifyChain } from "./verify-chain.ts";

function chainOf(values: readonly unknown[]): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  for (const [index, value] of values.entries()) {
    const chain = nextLink(entries.at(-1)?.chain, value, []);
    entries.push({ id: `${index + 1}-0`, value, chain });
  }
  return entries;
}

const events = sampleAuditEvents("run_chain0001").slice(0, 6);

describe("verifyChain", () => {
  it("accepts an intact chain and ends at its head", () => {
    const entries = chainOf(events);
    const verdict = verifyChain(entries, entries.at(-1)!.chain);
    expect(verdict).toEqual({
      ok: true,
      records: 6,
      head: { seq: 6, hash: entries[5]!.chain!.hash },
    });
    expect(verifyChain([])).toEqual({ ok: true, records: 0, head: undefined });
  });

  it("hashes the RFC 8785 form, so key order does not matter", () => {
    const link = { seq: 1, prev: null, screenshots: [] };
    expect(recordHash(link, { b: 1, a: [1, "x"] })).toBe(recordHash(link, { a: [1, "x"], b: 1 }));
    expect(recordHash(link, { a: 1 })).not.toBe(recordHash({ ...link, seq: 2 }, { a: 1 }));
  });

  it("names a changed record", () => {
    const entries = chainOf(events);
    entries[2] = { ...entries[2]!, value: { ...(events[2] as object), step: 99 } };
    expect(verifyChain(entries)).toMatchObject({
      ok: false,
      problem: { kind: "changed", recordId: "3-0", seq: 3 },
    });
  });

  it("names a changed record whose hash was recomputed, by the next record's link", () => {
    const entries = chainOf(events);
    const value = { ...(events[1] as object), model: "another" };
    const { hash: _, ...link } = entries[1]!.chain!;
    entries[1] = { ...entries[1]!, value, chain: { ...link, hash: recordHash(link, value) } };
    expect(verifyChain(entries)).toMatchObject({
      ok: false,
      problem: { kind: "changed", recordId: "2-0", seq: 2 },
    });
  });

  it("names a removed record and where it was", () => {
    const entries = chainOf(events);
    entries.splice(3, 2);
    const verdict = verifyChain(entries);
    expect(verdict).toMatchObject({ ok: false, problem: { kind: "removed", recordId: "6-0" } });
    expect(!verdict.ok && verdict.problem.message).toBe(
      "seq 4–5 was removed between record 3-0 and record 6-0",
    );
  });

  it("names a removed first record", () => {
    const entries = chainOf(events);
    const verdict = verifyChain(entries.slice(1));
    expect(!verdict.ok && verdict.problem.message).toBe("seq 1 was removed before record 2-0");
    const value = events[0];
    const link = { seq: 1, prev: "ab".repeat(32), screenshots: [] };
    const forged = { id: "1-0", value, chain: { ...link, hash: recordHash(link, value) } };
    expect(verifyChain([forged])).toMatchObject({
      ok: false,
      problem: { kind: "removed", recordId: "1-0", seq: 1 },
    });
  });

  it("names a removed tail against the head", () => {
    const entries = chainOf(events);
    const head = entries.at(-1)!.chain!;
    const verdict = verifyChain(entries.slice(0, 4), head);
    expect(verdict).toMatchObject({ ok: false, problem: { kind: "removed" } });
    expect(!verdict.ok && verdict.problem.message).toBe(
      "seq 5–6 was removed from the end, after record 4-0",
    );
    expect(verifyChain(entries.slice(0, 4)).ok).toBe(true);
  });

  it("names reordered records", () => {
    const entries = chainOf(events);
    [entries[2], entries[3]] = [entries[3]!, entries[2]!];
    expect(verifyChain(entries)).toMatchObject({
      ok: false,
      problem: { kind: "reordered", recordId: "4-0", seq: 4 },
    });
  });

  it("names a record without a link", () => {
    const entries = chainOf(events);
    entries[1] = { ...entries[1]!, chain: undefined };
    expect(verifyChain(entries)).toMatchObject({
      ok: false,
      problem: { kind: "unchained", recordId: "2-0" },
    });
  });
});
