import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RedisStreamAuditLog } from "@deskgate/audit";
import { sampleAuditEvents } from "@deskgate/audit/testing";
import { connectRedis, connectRedisTopology, type Redis } from "@deskgate/redis";
import {
  freePort,
  type PrivateRedis,
  startPrivateRedis,
  startSentinelGroup,
} from "@deskgate/redis/testing";
import { FakeOtlpCollector } from "@deskgate/test-support/fake-receivers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const runCommand = promisify(execFile);

let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: false });
  redis = connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

async function audit(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await runCommand(
      "node",
      ["--import", "tsx", "scripts/audit.ts", ...args],
      {
        cwd: root,
        env: { ...process.env, REDIS_URL: "", ...env },
        timeout: 20_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run audit", () => {
  it("prints a run's trail as JSON lines, in order", async () => {
    const events = sampleAuditEvents("run_cli000001");
    const log = new RedisStreamAuditLog({ redis });
    const ids: string[] = [];
    for (const event of events) ids.push(await log.append(event));

    const result = await audit(["run_cli000001", "--redis", server.url]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(
      events.map((event, index) =>
        expect.objectContaining({ id: ids[index], type: event.type, seq: index + 1, event }),
      ),
    );
  });

  it("takes Redis from REDIS_URL", async () => {
    await new RedisStreamAuditLog({ redis }).append(sampleAuditEvents("run_cli000002")[0]!);
    const result = await audit(["run_cli000002"], { REDIS_URL: server.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: "run.queued", runId: "run_cli000002" });
  });

  it("verifies trails, naming the first tampered record, and an exported copy", async () => {
    const log = new RedisStreamAuditLog({ redis });
    const ids: string[] = [];
    for (const event of sampleAuditEvents("run_cliVerify1").slice(0, 4))
      ids.push(await log.append(event));
    for (const event of sampleAuditEvents("run_cliVerify2").slice(0, 3)) await log.append(event);
    const dir = mkdtempSync(join(tmpdir(), "deskgate-cli-"));
    try {
      const exported = await audit([
        "export",
        "run_cliVerify1",
        "--out",
        join(dir, "trail.jsonl"),
        "--redis",
        server.url,
      ]);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(/exported 4 records/);
      const ok = await audit(["verify", "run_cliVerify1", "run_cliVerify2", "--redis", server.url]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(
        /^ok run_cliVerify1: 4 records, head [0-9a-f]{64}\nok run_cliVerify2: 3 records/,
      );

      await redis.xdel("audit:{run_cliVerify1}", ids[1]!);
      const all = await audit(["verify", "--all", "--redis", server.url]);
      expect(all.code).toBe(1);
      expect(all.stdout).toContain(
        `FAILED run_cliVerify1: seq 2 was removed between record ${ids[0]} and record ${ids[2]}`,
      );
      expect(all.stdout).toContain("ok run_cliVerify2: 3 records");
      expect(all.stdout).toContain("ok expiry ledger: 0 records");

      const copy = await audit(["verify", "--file", join(dir, "trail.jsonl")]);
      expect(copy).toMatchObject({ code: 0, stdout: "ok run_cliVerify1: 4 records\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ships a run to an OTLP collector, and reads Sentinel settings like the apps", async () => {
    const group = await startSentinelGroup();
    const collector = new FakeOtlpCollector();
    await collector.start();
    const client = connectRedisTopology(group.topology);
    try {
      for (const event of sampleAuditEvents("run_cliOtlp001").slice(0, 3))
        await new RedisStreamAuditLog({ redis: client }).append(event);
      const sentinels = group.topology.sentinels.map((s) => `${s.host}:${s.port}`).join(",");
      const result = await audit(["export", "run_cliOtlp001", "--otlp", collector.url], {
        REDIS_SENTINELS: sentinels,
        REDIS_SENTINEL_MASTER: group.masterName,
      });
      expect(result).toMatchObject({ code: 0 });
      expect(collector.records.map((r) => r.attributes["deskgate.audit.seq"])).toEqual([1, 2, 3]);
    } finally {
      client.disconnect();
      await collector.stop();
      await group.dispose();
    }
  });

  it("expires trails as asked, recording it", async () => {
    await new RedisStreamAuditLog({
      redis,
      now: () => new Date(Date.now() - 40 * 86_400_000),
    }).append(sampleAuditEvents("run_cliExpire1")[0]!);
    const result = await audit(["expire", "--trails", "30d", "--redis", server.url]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toMatch(/the trails of 1 runs/);
    expect(await redis.exists("audit:{run_cliExpire1}")).toBe(0);
    expect(await redis.xlen("audit:{expiries}")).toBe(1);
  });

  it("says so on stderr and exits 1 for an unknown run", async () => {
    const result = await audit(["run_unknown999", "--redis", server.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/no audit trail for run_unknown999/);
  });

  it("exits 2 with the usage on a bad run id", async () => {
    const result = await audit(["nonsense", "--redis", server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a run id.*\n.*usage: npm run audit/);
    const both = await audit([
      "export",
      "--out",
      "x",
      "--webhook",
      "http://h",
      "--redis",
      server.url,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/choose one of --out, --otlp and --webhook/);
  });

  it("exits 1 naming the address when Redis does not answer", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const result = await audit(["run_cli000003", "--redis", url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/redis:\/\/127\.0\.0\.1:\d+\/?: redis did not answer/);
  });
});
