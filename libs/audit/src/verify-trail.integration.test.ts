import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "./audit-event.ts";
import { auditStreamKey, RedisStreamAuditLog } from "./redis-stream-audit-log.ts";
import { sampleAuditEvents } from "./testing/sample-audit-events.ts";
import { verifyTrail } from "./verify-trail.ts";

let server: PrivateRedis;
let redis: Redis;
let log: RedisStreamAuditLog;
let counter = 0;

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: false });
  redis = connectRedis(server.url);
  log = new RedisStreamAuditLog({ redis });
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

async function writtenTrail(): Promise<{ runId: string; ids: string[] }> {
  counter += 1;
  const runId = `run_verify${String(counter).padStart(4, "0")}`;
  const ids: string[] = [];
  for (const event of sampleAuditEvents(runId).slice(0, 6)) ids.push(await log.append(event));
  return { runId, ids };
}

type Entry = [id: string, fields: string[]];

/**
 * What someone with write access to Redis would have to do to edit a stream: read it,
 * delete it and write it again (stream ids only grow, so entries cannot be replaced).
 */
async function rewriteStream(runId: string, edit: (entries: Entry[]) => Entry[]): Promise<void> {
  const key = auditStreamKey(runId);
  const entries = (await redis.xrange(key, "-", "+")) as Entry[];
  const ids = entries.map(([id]) => id);
  const edited = edit(entries);
  await redis.del(key);
  // Keep each position's original id, so only the content tells what changed.
  for (const [index, [, fields]] of edited.entries()) await redis.xadd(key, ids[index]!, ...fields);
}

function withField(fields: string[], name: string, value: string): string[] {
  const copy = [...fields];
  copy[copy.indexOf(name) + 1] = value;
  return copy;
}

describe("verify on Redis", () => {
  it("passes an untouched trail, with concurrent writers on one run", async () => {
    const runId = "run_verifyRacing";
    const writers = [connectRedis(server.url), connectRedis(server.url), connectRedis(server.url)];
    const events = sampleAuditEvents(runId);
    await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        new RedisStreamAuditLog({ redis: writers[i % 3]! }).append(events[i % events.length]!),
      ),
    );
    for (const writer of writers) writer.disconnect();
    const records = await log.read(runId);
    expect(records.map((r) => r.chain?.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(await verifyTrail(log, runId)).toMatchObject({
      ok: true,
      records: 45,
      head: { seq: 45 },
    });
  });

  it("names an edited record", async () => {
    const { runId, ids } = await writtenTrail();
    await rewriteStream(runId, (entries) =>
      entries.map(([id, fields], index) => {
        if (index !== 2) return [id, fields];
        const event = JSON.parse(fields[fields.indexOf("event") + 1]!) as AuditEvent;
        return [id, withField(fields, "event", JSON.stringify({ ...event, ruleId: "edited" }))];
      }),
    );
    const verdict = await verifyTrail(log, runId);
    expect(verdict).toMatchObject({
      ok: false,
      problem: { kind: "changed", recordId: ids[2], seq: 3 },
    });
  });

  it("names a deleted record", async () => {
    const { runId, ids } = await writtenTrail();
    await redis.xdel(auditStreamKey(runId), ids[3]!);
    const verdict = await verifyTrail(log, runId);
    expect(verdict).toMatchObject({
      ok: false,
      problem: { kind: "removed", recordId: ids[4], seq: 5 },
    });
    expect(!verdict.ok && verdict.problem.message).toContain(`between record ${ids[2]}`);
  });

  it("names a deleted last record, against the stored head", async () => {
    const { runId, ids } = await writtenTrail();
    await redis.xdel(auditStreamKey(runId), ids[5]!);
    expect(await verifyTrail(log, runId)).toMatchObject({
      ok: false,
      problem: {
        kind: "removed",
        message: `seq 6 was removed from the end, after record ${ids[4]}`,
      },
    });
  });

  it("names reordered records", async () => {
    const { runId, ids } = await writtenTrail();
    await rewriteStream(runId, (entries) => [
      entries[0]!,
      entries[2]!,
      entries[1]!,
      ...entries.slice(3),
    ]);
    expect(await verifyTrail(log, runId)).toMatchObject({
      ok: false,
      problem: { kind: "reordered", recordId: ids[1], seq: 3 },
    });
  });

  it("keeps screenshots by hash and names one that was swapped", async () => {
    counter += 1;
    const runId = `run_verify${String(counter).padStart(4, "0")}`;
    const [queued, , , requested] = sampleAuditEvents(runId) as AuditEvent[];
    await log.append(queued!);
    const seen = Buffer.from("the screen the approver saw");
    const card = Buffer.from("the card image");
    await log.append(requested!, { screenshots: [seen, card] });
    const [, record] = await log.read(runId);
    expect(record!.chain!.screenshots).toHaveLength(2);
    const [seenHash] = record!.chain!.screenshots;
    expect(await log.screenshot(runId, seenHash!)).toEqual(seen);
    expect((await verifyTrail(log, runId)).ok).toBe(true);

    await redis.hset(`audit:{${runId}}:screenshots`, seenHash!, Buffer.from("another screen"));
    expect(await verifyTrail(log, runId)).toMatchObject({
      ok: false,
      problem: { kind: "screenshot_changed", recordId: record!.id, seq: 2 },
    });
    await redis.hdel(`audit:{${runId}}:screenshots`, seenHash!);
    expect(await verifyTrail(log, runId)).toMatchObject({
      ok: false,
      problem: { kind: "screenshot_missing", recordId: record!.id },
    });
  });
});
