import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "@deskgate/core";
import { afterEach, describe, expect, it } from "vitest";
import { checkEvictionPolicy } from "./eviction-policy.ts";
import { connectRedis, waitForRedis } from "./redis-connection.ts";
import { resolveRedis } from "./resolve-redis.ts";
import { freePort, startPrivateRedis } from "./testing/private-redis.ts";
import { watchRedisConnection } from "./watch-connection.ts";

const logger = createLogger({ level: "silent" });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("resolveRedis", () => {
  it("uses REDIS_URL as given without probing anything", async () => {
    const resolved = await resolveRedis({
      redisUrl: "redis://example.invalid:1",
      path: "",
      dataDir: "x",
      logger,
    });
    expect(resolved).toEqual({ url: "redis://example.invalid:1", privateServer: undefined });
  });

  it("starts a private redis-server with AOF and noeviction when nothing answers", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "deskgate-resolve-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const resolved = await resolveRedis({
      redisUrl: undefined,
      path: process.env.PATH,
      dataDir,
      logger,
      port,
    });
    cleanups.push(() => resolved.privateServer?.stop() ?? Promise.resolve());
    expect(resolved.privateServer).toBeDefined();
    const redis = connectRedis(resolved.url);
    cleanups.push(async () => void redis.disconnect());
    expect(await redis.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
    expect(await redis.config("GET", "maxmemory-policy")).toEqual([
      "maxmemory-policy",
      "noeviction",
    ]);
    expect(await redis.config("GET", "dir")).toEqual(["dir", dataDir]);
  });

  it("reuses a redis that already answers on the port", async () => {
    const existing = await startPrivateRedis();
    cleanups.push(existing.dispose);
    const resolved = await resolveRedis({
      redisUrl: undefined,
      path: "",
      dataDir: "unused",
      logger,
      port: existing.port,
    });
    expect(resolved.privateServer).toBeUndefined();
    expect(resolved.url).toBe(existing.url);
  });

  it("explains how to install redis when none is reachable or on PATH", async () => {
    const port = await freePort();
    await expect(
      resolveRedis({ redisUrl: undefined, path: "/nonexistent", dataDir: "x", logger, port }),
    ).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
  });
});

describe("checkEvictionPolicy", () => {
  it("warns about any policy other than noeviction", async () => {
    const redis = await startPrivateRedis({ appendOnly: false });
    cleanups.push(redis.dispose);
    const client = connectRedis(redis.url);
    cleanups.push(async () => void client.disconnect());
    expect(await checkEvictionPolicy(client)).toBeUndefined();
    await client.config("SET", "maxmemory-policy", "allkeys-lru");
    expect(await checkEvictionPolicy(client)).toMatch(/allkeys-lru.*noeviction/);
  });
});

describe("watchRedisConnection", () => {
  it("reports an outage once when it starts and once when Redis is back", async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.dispose());
    const lines: Array<{ level: string; msg: string; downMs?: number }> = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const client = connectRedis(redis.url);
    cleanups.push(async () => void client.disconnect());
    watchRedisConnection(client, createLogger({ level: "info", destination }));
    await waitForRedis(client);

    await redis.server.kill();
    // Commands issued during the outage wait for the reconnect instead of failing.
    const pending = client.set("kept", "yes");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await redis.server.start();
    await pending;

    expect(await client.get("kept")).toBe("yes");
    const messages = lines.map((l) => `${l.level}: ${l.msg}`);
    expect(messages).toEqual([
      "error: redis connection lost; reconnecting",
      "warn: redis connection restored",
    ]);
    expect(lines[1]!.downMs).toBeGreaterThanOrEqual(1_000);
  });
});
