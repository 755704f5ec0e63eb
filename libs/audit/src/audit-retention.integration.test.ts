import { createLogger } from "@deskgate/core";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRetention, scheduleAuditRetention } from "./audit-retention.ts";
import { verifyChain } from "./chain/verify-chain.ts";
import { RedisStreamAuditLog } from "./redis-stream-audit-log.ts";
import { sampleAuditEvents } from "./testing/sample-audit-events.ts";
import { verifyTrail } from "./verify-trail.ts";

const day = 24 * 3_600_000;
let server: PrivateRedis;
let redis: Redis;
let clock = Date.parse("2026-11-01T00:00:00Z");
const now = () => new Date(clock);

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: false });
  redis = connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

describe("audit retention", () => {
  it("expires screenshots, then trails, recording each expiry before deleting", async () => {
    const log = new RedisStreamAuditLog({ redis, now });
    const retention = new AuditRetention({ redis, now });
    const [queued, , , requested] = sampleAuditEvents("run_retainOld01");
    await log.append(queued!);
    await log.append(requested!, { screenshots: [Buffer.from("screen")] });
    clock += 20 * day;
    await log.append(sampleAuditEvents("run_retainNew01")[3]!, { screenshots: [Buffer.from("x")] });
    clock += 20 * day;

    // 40 days idle versus 20: only the old run's screenshots go.
    expect(await retention.sweep({ screenshotsMs: 30 * day, trailMs: 90 * day })).toEqual({
      screenshots: 1,
      trails: 0,
    });
    const old = await log.read("run_retainOld01");
    expect(old.map((r) => r.event.type)).toEqual([
      "run.queued",
      "approval.requested",
      "audit.screenshots_expired",
    ]);
    expect(old[2]!.event).toMatchObject({ count: 1, throughSeq: 2, retentionMs: 30 * day });
    expect(await log.screenshot("run_retainOld01", old[1]!.chain!.screenshots[0]!)).toBeUndefined();
    // The gap is recorded, so the trail still verifies.
    expect(await verifyTrail(log, "run_retainOld01")).toMatchObject({ ok: true, records: 3 });
    const [kept] = (await log.read("run_retainNew01"))[0]!.chain!.screenshots;
    expect(await log.screenshot("run_retainNew01", kept!)).toEqual(Buffer.from("x"));

    // Sweeping again changes nothing: the expiry is not itself activity, nor repeated.
    expect(await retention.sweep({ screenshotsMs: 30 * day })).toEqual({
      screenshots: 0,
      trails: 0,
    });

    clock += 60 * day;
    const head = await log.head("run_retainOld01");
    expect(await retention.sweep({ trailMs: 90 * day })).toEqual({ screenshots: 0, trails: 1 });
    expect(await log.read("run_retainOld01")).toEqual([]);
    expect(await log.head("run_retainOld01")).toBeUndefined();
    expect(await log.runsActiveBetween()).toEqual(["run_retainNew01"]);
    const ledger = await retention.ledger();
    expect(ledger.map((entry) => entry.value)).toEqual([
      {
        type: "audit.trail_expired",
        runId: "run_retainOld01",
        at: now().toISOString(),
        records: 3,
        lastSeq: 3,
        lastHash: head!.hash,
        retentionMs: 90 * day,
      },
    ]);
    expect(verifyChain(ledger, await retention.ledgerHead()).ok).toBe(true);
  });

  it("never deletes a record appended while it sweeps", async () => {
    const log = new RedisStreamAuditLog({ redis, now });
    const retention = new AuditRetention({ redis, now });
    await log.append(sampleAuditEvents("run_retainBusy1")[0]!);
    clock += 100 * day;
    // A writer lands between the sweep's read of the index and its delete.
    const racing = new AuditRetention({
      redis,
      now: () => {
        void log.append(sampleAuditEvents("run_retainBusy1")[1]!);
        return now();
      },
    });
    await racing.sweep({ trailMs: 90 * day });
    await retention.sweep({ trailMs: 90 * day });
    const records = await log.read("run_retainBusy1");
    expect(records.map((r) => r.event.type)).toContain("run.started");
    expect((await verifyTrail(log, "run_retainBusy1")).ok).toBe(true);
  });

  it("sweeps at once when scheduled, and stops cleanly", async () => {
    const log = new RedisStreamAuditLog({ redis, now });
    await log.append(sampleAuditEvents("run_retainSched")[0]!);
    clock += 400 * day;
    const logger = createLogger({ level: "silent" });
    const stop = scheduleAuditRetention(
      new AuditRetention({ redis, now }),
      { trailMs: 365 * day },
      logger,
      60_000,
    );
    await stop();
    expect(await log.read("run_retainSched")).toEqual([]);
    expect(
      (await new AuditRetention({ redis }).ledger()).map(
        (e) => (e.value as { runId: string }).runId,
      ),
    ).toContain("run_retainSched");
  });
});
