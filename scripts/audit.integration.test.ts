import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RedisStreamAuditLog } from "@deskgate/audit";
import { sampleAuditEvents } from "@deskgate/audit/testing";
import { connectRedis, type Redis } from "@deskgate/redis";
import { freePort, type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
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
    expect(lines).toEqual(events.map((event, index) => ({ id: ids[index], ...event })));
  });

  it("takes Redis from REDIS_URL", async () => {
    await new RedisStreamAuditLog({ redis }).append(sampleAuditEvents("run_cli000002")[0]!);
    const result = await audit(["run_cli000002"], { REDIS_URL: server.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: "run.queued", runId: "run_cli000002" });
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
  });

  it("exits 1 naming the address when Redis does not answer", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const result = await audit(["run_cli000003", "--redis", url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/redis:\/\/127\.0\.0\.1:\d+\/?: redis did not answer/);
  });
});
