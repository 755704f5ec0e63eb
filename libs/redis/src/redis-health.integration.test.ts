import { createLogger } from "@deskgate/core";
import { createServiceMetrics, startHealthServer } from "@deskgate/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisHealthCheck } from "./open-service-redis.ts";
import { connectRedis, type Redis, waitForRedis } from "./redis-connection.ts";
import { type PrivateRedis, startPrivateRedis } from "./testing/private-redis.ts";
import { watchRedisConnection } from "./watch-connection.ts";

const logger = createLogger({ level: "silent" });
let redis: PrivateRedis;
let client: Redis;
let health: Awaited<ReturnType<typeof startHealthServer>>;

beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: false });
  client = connectRedis(redis.url);
  watchRedisConnection(client, logger);
  await waitForRedis(client);
  health = await startHealthServer({
    port: 0,
    host: "127.0.0.1",
    registry: createServiceMetrics("bot").registry,
    checks: { redis: redisHealthCheck(client) },
    logger,
  });
});
afterAll(async () => {
  await health?.close();
  client?.disconnect();
  await redis?.dispose();
});

async function probe() {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${health.port}/healthz`);
  return { ms: Date.now() - started, status: response.status, body: await response.json() };
}

describe("/healthz with the service's Redis", () => {
  it("answers 200 while Redis answers and 503 within a second once it is stopped", async () => {
    expect((await probe()).status).toBe(200);
    await redis.server.stop();
    for (let i = 0; i < 3; i += 1) {
      const answer = await probe();
      expect(answer.ms).toBeLessThan(1_000);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        status: "unhealthy",
        checks: { redis: expect.stringMatching(/^redis (is not connected|did not answer)/) },
      });
    }
    await redis.server.start();
    await waitForRedis(client, 10_000);
    expect((await probe()).status).toBe(200);
  });
});
