import { createLogger } from "@deskgate/core";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "./health-server.ts";
import { createServiceMetrics } from "./service-metrics.ts";

const logger = createLogger({ level: "silent" });
let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("health server", () => {
  it("serves Prometheus metrics with the service's figures", async () => {
    const metrics = createServiceMetrics("worker");
    metrics.runsActive.set(2);
    metrics.actionsTotal.inc({ outcome: "executed" }, 3);
    metrics.decisionLatencySeconds.observe(42);
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      checks: {},
      logger,
    });
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).toMatch(/deskgate_runs_active\{app="worker"\} 2/);
    expect(text).toMatch(/deskgate_actions_total\{outcome="executed",app="worker"\} 3/);
    expect(text).toMatch(/deskgate_decision_latency_seconds_bucket\{le="60",app="worker"\} 1/);
  });

  it("answers 503 naming the failing check", async () => {
    const metrics = createServiceMetrics("bot");
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      checks: { redis: async () => undefined, slack: async () => "socket mode disconnected" },
      logger,
    });
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "unhealthy",
      checks: { redis: "ok", slack: "socket mode disconnected" },
    });
  });

  it("answers 200 when every check passes", async () => {
    const metrics = createServiceMetrics("bot");
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      checks: { redis: async () => undefined },
      logger,
    });
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });

  it("answers 503 at once when a check hangs", async () => {
    const metrics = createServiceMetrics("bot");
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      checks: { redis: () => new Promise<undefined>(() => undefined) },
      checkTimeoutMs: 100,
      logger,
    });
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "unhealthy",
      checks: { redis: "no answer within 100 ms" },
    });
  });
});
