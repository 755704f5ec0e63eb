import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createLogger } from "@deskgate/core";
import { createServiceMetrics, startHealthServer } from "@deskgate/metrics";
import { freePort } from "@deskgate/redis/testing";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = join(import.meta.dirname, "healthcheck.mjs");

async function healthcheck(port: number) {
  return run(process.execPath, [script, "SOME_HEALTH_PORT", "1"], {
    env: { PATH: process.env.PATH ?? "", SOME_HEALTH_PORT: String(port) },
  }).then(
    () => ({ code: 0, stderr: "" }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

describe("infra/docker/healthcheck.mjs", () => {
  it("passes on 200, fails on 503 with the reason, and fails when nothing answers", async () => {
    let problem: string | undefined;
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: createServiceMetrics("bot").registry,
      checks: { redis: async () => problem },
      logger: createLogger({ level: "silent" }),
    });
    try {
      expect(await healthcheck(server.port)).toEqual({ code: 0, stderr: "" });
      problem = "redis is not connected (reconnecting)";
      const failing = await healthcheck(server.port);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain("unhealthy: 503");
      expect(failing.stderr).toContain("redis is not connected");
    } finally {
      await server.close();
    }
    expect((await healthcheck(await freePort())).code).toBe(1);
  });
});
