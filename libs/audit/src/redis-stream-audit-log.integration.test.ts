import { AppError } from "@deskgate/core";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "./audit-event.ts";
import type { AuditLog } from "./audit-log.ts";
import { auditStreamKey, RedisStreamAuditLog } from "./redis-stream-audit-log.ts";
import { InMemoryAuditLog } from "./testing/in-memory-audit-log.ts";
import { sampleAuditEvents } from "./testing/sample-audit-events.ts";
import { type VerifiableTrail, verifyTrail } from "./verify-trail.ts";

let server: PrivateRedis;
let redis: Redis;
let runCounter = 0;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

/** A fresh run id per test, so tests sharing the server never see each other's streams. */
function nextRunId(): string {
  runCounter += 1;
  return `run_test${String(runCounter).padStart(4, "0")}`;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

// The same contract for the Redis adapter and the in-memory fake, so the fake can be trusted.
describe.each([
  [
    "RedisStreamAuditLog",
    (): AuditLog => new RedisStreamAuditLog({ redis, keyPrefix: "contract:" }),
  ],
  ["InMemoryAuditLog", (): AuditLog => new InMemoryAuditLog()],
])("%s", (_name, makeLog) => {
  it("reads back every event in the order appended, with increasing ids", async () => {
    const log = makeLog();
    const runId = nextRunId();
    const events = sampleAuditEvents(runId);
    const ids: string[] = [];
    for (const event of events) ids.push(await log.append(event));
    const records = await log.read(runId);
    expect(records.map((record) => record.event)).toEqual(events);
    expect(records.map((record) => record.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("appends under a once-key exactly once, even when writers race", async () => {
    const log = makeLog();
    const runId = nextRunId();
    const [first, second, third] = sampleAuditEvents(runId) as [AuditEvent, AuditEvent, AuditEvent];
    await log.append(first);
    const racing = await Promise.all(
      Array.from({ length: 20 }, () => log.appendOnce(second, "decision:apr_1")),
    );
    expect(racing.filter((id) => id !== undefined)).toHaveLength(1);
    // A different key, or a different run, is not the same record.
    expect(await log.appendOnce(third, "decision:apr_2")).toBeDefined();
    const other = nextRunId();
    expect(
      await log.appendOnce(sampleAuditEvents(other)[1] as AuditEvent, "decision:apr_1"),
    ).toBeDefined();
    expect((await log.read(runId)).map((r) => r.event)).toEqual([first, second, third]);
  });

  it("links each record to the one before it, and verify agrees", async () => {
    const log = makeLog() as AuditLog & VerifiableTrail;
    const runId = nextRunId();
    for (const event of sampleAuditEvents(runId).slice(0, 4)) await log.append(event);
    const records = await log.read(runId);
    expect(records.map((r) => r.chain?.seq)).toEqual([1, 2, 3, 4]);
    expect(records[0]!.chain!.prev).toBeNull();
    for (let i = 1; i < records.length; i += 1)
      expect(records[i]!.chain!.prev).toBe(records[i - 1]!.chain!.hash);
    expect(await log.head(runId)).toEqual({
      seq: 4,
      hash: records[3]!.chain!.hash,
      id: records[3]!.id,
    });
    expect(await verifyTrail(log, runId)).toMatchObject({ ok: true, records: 4 });
  });

  it("pages with from (inclusive) and count", async () => {
    const log = makeLog();
    const runId = nextRunId();
    const events = sampleAuditEvents(runId).slice(0, 5);
    const ids: string[] = [];
    for (const event of events) ids.push(await log.append(event));
    const page = await log.read(runId, { from: ids[2], count: 2 });
    expect(page.map((record) => record.id)).toEqual([ids[2], ids[3]]);
    expect((await log.read(runId, { count: 1 })).map((record) => record.event)).toEqual([
      events[0],
    ]);
  });

  it("keeps runs apart", async () => {
    const log = makeLog();
    const [first, second] = [nextRunId(), nextRunId()];
    await log.append(sampleAuditEvents(first)[0] as AuditEvent);
    await log.append(sampleAuditEvents(second)[1] as AuditEvent);
    await log.append(sampleAuditEvents(first)[2] as AuditEvent);
    expect((await log.read(first)).map((record) => record.event.type)).toEqual([
      "run.queued",
      "action.auto_approved",
    ]);
    expect((await log.read(second)).map((record) => record.event.runId)).toEqual([second]);
    expect(await log.read(nextRunId())).toEqual([]);
  });

  it("refuses an invalid event naming the field, and stores nothing", async () => {
    const log = makeLog();
    const runId = nextRunId();
    const bad = {
      type: "approval.granted",
      runId,
      at: "2026-11-25T10:00:00Z",
      approvalId: "apr_abc123_1",
      step: 0,
      approvers: [],
    };
    const error = await rejection(log.append(bad as unknown as AuditEvent));
    expect(error.code).toBe("audit_event_invalid");
    expect(error.message).toMatch(/step: .*approvers: .*latencyMs: /);
    expect(await log.read(runId)).toEqual([]);
  });

  it("refuses a malformed run id before touching storage", async () => {
    const error = await rejection(makeLog().read("run_*"));
    expect(error.code).toBe("audit_run_id_invalid");
  });
});

describe("RedisStreamAuditLog on Redis", () => {
  it("stores each run in its own stream, audit:{runId} under the key prefix", async () => {
    const runId = nextRunId();
    await new RedisStreamAuditLog({ redis, keyPrefix: "ns:" }).append(
      sampleAuditEvents(runId)[1] as AuditEvent,
    );
    expect(auditStreamKey(runId, "ns:")).toBe(`ns:audit:{${runId}}`);
    expect(await redis.type(`ns:audit:{${runId}}`)).toBe("stream");
    const [[, fields] = ["", []]] = await redis.xrange(`ns:audit:{${runId}}`, "-", "+");
    expect(fields[0]).toBe("event");
    expect(JSON.parse(fields[1] ?? "")).toMatchObject({ type: "run.started", runId });
    expect(await new RedisStreamAuditLog({ redis }).read(runId)).toEqual([]);
  });

  it("reports malformed stored entries by id and field instead of dropping them", async () => {
    const log = new RedisStreamAuditLog({ redis });
    const runId = nextRunId();
    await log.append(sampleAuditEvents(runId)[0] as AuditEvent);
    const key = auditStreamKey(runId);
    const badId = await redis.xadd(
      key,
      "*",
      "event",
      JSON.stringify({ type: "run.failed", runId, at: "2026-11-25T10:00:00Z" }),
    );
    const junkId = await redis.xadd(key, "*", "event", "{not json");
    const error = await rejection(log.read(runId));
    expect(error.code).toBe("audit_record_invalid");
    expect(error.message).toContain(`${badId}: invalid audit event: reason: `);
    expect(error.message).toContain(`${junkId}: the event is not valid JSON`);
  });

  it("keeps the trail across a Redis restart (AOF)", async () => {
    const log = new RedisStreamAuditLog({ redis });
    const runId = nextRunId();
    const events = sampleAuditEvents(runId);
    for (const event of events) await log.append(event);
    const before = await log.read(runId);
    await server.server.restart();
    // The same client reconnects on its own; commands wait for it (maxRetriesPerRequest: null).
    expect(await log.read(runId)).toEqual(before);
    expect(before).toHaveLength(events.length);
  });
});
