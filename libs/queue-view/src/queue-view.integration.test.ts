import { createLogger } from "@deskgate/core";
import { createServiceMetrics, type HealthServer, startHealthServer } from "@deskgate/metrics";
import { createQueue, type Queue } from "@deskgate/queue";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueueView, type QueueView } from "./queue-view.ts";

const token = "queue-view-token-0123456789";
let redis: PrivateRedis;
let connection: Redis;
let queue: Queue;
let view: QueueView;
let server: HealthServer;
let base: string;

beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: false });
  connection = connectRedis(redis.url);
  queue = createQueue("runs.desk-1", connection);
  await queue.add("agent.run", { runId: "run_abcdef" }, { delay: 60_000, jobId: "run_abcdef" });
  view = createQueueView({ connection, token, basePath: "/queues" });
  server = await startHealthServer({
    port: 0,
    host: "127.0.0.1",
    registry: createServiceMetrics("bot").registry,
    checks: {},
    logger: createLogger({ level: "silent" }),
    mounts: { "/queues": view.handle },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await view?.close();
  await queue?.close();
  connection?.disconnect();
  await redis?.dispose();
});

const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`ops:${password}`).toString("base64")}`,
});

describe("the queue view on the health port", () => {
  it("asks for the token and refuses a wrong one", async () => {
    const none = await fetch(`${base}/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm="deskgate queues"/);
    expect((await fetch(`${base}/queues/api/queues`, { headers: basic("wrong") })).status).toBe(
      401,
    );
  });

  it("shows every queue and its jobs, read-only, to the token's holder", async () => {
    const page = await fetch(`${base}/queues`, { headers: basic(token) });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${base}/queues/api/queues?activeQueue=runs.desk-1&status=delayed`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await api.json()) as {
      queues: Array<{ name: string; readOnlyMode: boolean; counts: Record<string, number> }>;
    };
    const runs = body.queues.find((q) => q.name === "runs.desk-1");
    expect(runs).toMatchObject({ readOnlyMode: true, counts: { delayed: 1 } });

    // A parked run's job cannot be promoted from here.
    const promote = await fetch(`${base}/queues/api/queues/runs.desk-1/run_abcdef/promote`, {
      method: "PUT",
      headers: basic(token),
    });
    expect(promote.status).toBe(405);
    expect(await (await queue.getJob("run_abcdef"))?.getState()).toBe("delayed");
  });

  it("leaves /healthz and /metrics as they were", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });
});
