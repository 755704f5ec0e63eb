import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { FakeOtlpCollector, WebhookReceiver } from "@deskgate/test-support/fake-receivers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../audit-event.ts";
import { sha256Hex } from "../chain/record-hash.ts";
import { RedisStreamAuditLog } from "../redis-stream-audit-log.ts";
import { sampleAuditEvents } from "../testing/sample-audit-events.ts";
import type { AuditSink } from "./audit-sink.ts";
import { exportAudit } from "./export-audit.ts";
import { type ExportRecord, verifyExportedLines } from "./export-record.ts";
import { jsonLinesSink } from "./json-lines-sink.ts";
import { otlpLogSink } from "./otlp-log-sink.ts";
import { webhookSink } from "./webhook-sink.ts";

let server: PrivateRedis;
let redis: Redis;
let log: RedisStreamAuditLog;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from("screen")]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from("card")]);

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: false });
  redis = connectRedis(server.url);
  log = new RedisStreamAuditLog({ redis });
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

async function writeTrail(runId: string, count = 5): Promise<AuditEvent[]> {
  const events = sampleAuditEvents(runId).slice(0, count);
  for (const event of events) {
    await log.append(
      event,
      event.type === "approval.requested" ? { screenshots: [png, jpeg] } : {},
    );
  }
  return events;
}

function collectingSink(): AuditSink & { records: ExportRecord[] } {
  const records: ExportRecord[] = [];
  return { records, write: async (batch) => void records.push(...batch), close: async () => {} };
}

describe("audit export", () => {
  it("writes a run as JSON lines with stable fields, verifiable from the copy alone", async () => {
    const events = await writeTrail("run_export0001");
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const dir = mkdtempSync(join(tmpdir(), "deskgate-export-"));
    try {
      const totals = await exportAudit(
        { kind: "run", runId: "run_export0001" },
        { log, sink: jsonLinesSink(output), screenshotsDir: dir },
      );
      expect(totals).toEqual({ records: 5, screenshots: 2 });
      const lines = text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as ExportRecord);
      expect(Object.keys(lines[0]!)).toEqual([
        "id",
        "runId",
        "type",
        "at",
        "seq",
        "prevHash",
        "hash",
        "screenshots",
        "event",
      ]);
      expect(lines.map((line) => line.event)).toEqual(events);
      expect(lines[3]!.screenshots).toEqual([sha256Hex(png), sha256Hex(jpeg)]);
      expect(readdirSync(dir).sort()).toEqual(
        [`${sha256Hex(png)}.png`, `${sha256Hex(jpeg)}.jpg`].sort(),
      );
      expect(readFileSync(join(dir, `${sha256Hex(png)}.png`))).toEqual(png);
      expect(verifyExportedLines(text)).toMatchObject({
        ok: true,
        records: 5,
        runId: "run_export0001",
      });
      const edited = text.replace('"desktop":"desktop-1"', '"desktop":"desktop-9"');
      expect(verifyExportedLines(edited)).toMatchObject({
        ok: false,
        problem: { kind: "changed", seq: 2 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exports the records stored within a time range, across runs", async () => {
    await writeTrail("run_rangeBefore1", 2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fromMs = Date.now();
    await writeTrail("run_rangeInside1", 3);
    const toMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writeTrail("run_rangeAfter01", 2);
    const sink = collectingSink();
    await exportAudit({ kind: "range", fromMs, toMs }, { log, sink });
    expect(sink.records.map((r) => `${r.runId}:${r.seq}`)).toEqual([
      "run_rangeInside1:1",
      "run_rangeInside1:2",
      "run_rangeInside1:3",
    ]);
  });

  it("follows new records as they are appended, each once", async () => {
    const sink = collectingSink();
    const controller = new AbortController();
    const following = exportAudit(
      { kind: "follow", pollMs: 20, signal: controller.signal },
      { log, sink },
    );
    await writeTrail("run_follow00001", 3);
    await waitFor(() => sink.records.length >= 3, { what: "the first records" });
    await writeTrail("run_follow00002", 2);
    await log.append(sampleAuditEvents("run_follow00001")[5]!);
    await waitFor(() => sink.records.length >= 6, { what: "the later records" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await following;
    expect(sink.records.map((r) => `${r.runId}:${r.seq}`).sort()).toEqual([
      "run_follow00001:1",
      "run_follow00001:2",
      "run_follow00001:3",
      "run_follow00001:4",
      "run_follow00002:1",
      "run_follow00002:2",
    ]);
  });

  it("ships to an OTLP/HTTP collector through the OpenTelemetry exporter", async () => {
    const events = await writeTrail("run_otlp000001", 4);
    const collector = new FakeOtlpCollector();
    await collector.start();
    const sink = otlpLogSink({ url: collector.url });
    try {
      await exportAudit({ kind: "run", runId: "run_otlp000001" }, { log, sink });
      expect(collector.rejected).toEqual([]);
      expect(collector.records).toHaveLength(4);
      const [first] = collector.records;
      expect(first!.resource["service.name"]).toBe("deskgate");
      expect(first!.eventName).toBe("run.queued");
      expect(first!.attributes).toMatchObject({
        "deskgate.run_id": "run_otlp000001",
        "deskgate.audit.type": "run.queued",
        "deskgate.audit.seq": 1,
      });
      expect(first!.timeUnixNano).toBe(`${Date.parse(events[0]!.at)}000000`);
      const bodies = collector.records.map((r) => JSON.parse(String(r.body)) as ExportRecord);
      expect(bodies.map((b) => b.event)).toEqual(events);
      expect(verifyExportedLines(collector.records.map((r) => `${r.body}\n`).join("")).ok).toBe(
        true,
      );
    } finally {
      await sink.close();
      await collector.stop();
    }
  });

  it("ships to a webhook with a signature the receiver checks, retrying an outage", async () => {
    await writeTrail("run_hook000001", 3);
    const secret = "s3cret-shared-with-the-siem";
    const receiver = new WebhookReceiver(secret);
    await receiver.start();
    try {
      receiver.failNext = 2;
      const sink = webhookSink({ url: receiver.url, secret, retryDelaysMs: [10, 10, 10] });
      await exportAudit({ kind: "run", runId: "run_hook000001" }, { log, sink, batchSize: 2 });
      expect(receiver.refused).toEqual([]);
      expect(receiver.deliveries).toHaveLength(2);
      expect((receiver.lines() as ExportRecord[]).map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(receiver.deliveries[1]!.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);

      const forged = webhookSink({
        url: receiver.url,
        secret: "not-the-shared-secret",
        retryDelaysMs: [],
      });
      await expect(
        exportAudit({ kind: "run", runId: "run_hook000001" }, { log, sink: forged }),
      ).rejects.toThrow(/answered 401/);
      expect(receiver.refused).toEqual(["signature mismatch"]);
    } finally {
      await receiver.stop();
    }
  });
});
