import type { RunEvent } from "@deskgate/contracts";
import { AppError, createLogger } from "@deskgate/core";
import { createQueue, enqueue, type Queue, type Worker } from "@deskgate/queue";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunEventConsumer } from "./run-event-consumer.ts";

const logger = createLogger({ level: "silent" });
let redis: PrivateRedis;
let connections: Redis[];
let queue: Queue;
let consumer: Worker | undefined;

beforeEach(async () => {
  redis = await startPrivateRedis();
  connections = [connectRedis(redis.url), connectRedis(redis.url)];
  queue = createQueue("run-events", connections[0]!);
});
afterEach(async () => {
  await consumer?.close();
  await queue.close();
  for (const c of connections) c.disconnect();
  await redis.dispose();
});

const started = (runId: string): RunEvent => ({
  type: "run.started",
  runId,
  at: "2026-11-25T06:00:00.000Z",
  desktop: "desk-1",
  model: "claude-sonnet-4-5",
});

function consume(handler: (event: RunEvent) => Promise<void>) {
  const gaveUp: Array<{ runId: string; err: unknown }> = [];
  consumer = createRunEventConsumer({
    connection: connections[1]!,
    handler,
    logger,
    onGaveUp: async (event, err) => void gaveUp.push({ runId: event.runId, err }),
  });
  return gaveUp;
}

const announce = (event: RunEvent, attempts: number) =>
  enqueue(queue, "run-event.announce", event, {
    attempts,
    backoff: { type: "fixed", delay: 20 },
  });

describe("the run-event consumer", () => {
  it("gives up after the last attempt, and not before; a later success is not a give-up", async () => {
    const tries = new Map<string, number>();
    const gaveUp = consume(async (event) => {
      const n = (tries.get(event.runId) ?? 0) + 1;
      tries.set(event.runId, n);
      if (event.runId === "run_alwaysDown" || n < 2) throw new Error("slack is down");
    });
    await announce(started("run_alwaysDown"), 3);
    await announce(started("run_backSoon"), 3);
    await waitFor(() => tries.get("run_alwaysDown") === 3 && tries.get("run_backSoon") === 2, {
      what: "three tries of one event and two of the other",
    });
    await waitFor(() => gaveUp.length === 1, { what: "the give-up" });
    expect(gaveUp[0]!.runId).toBe("run_alwaysDown");
    expect(String(gaveUp[0]!.err)).toContain("slack is down");
  });

  it("gives up at once on an error that is not retryable", async () => {
    let tries = 0;
    const gaveUp = consume(async () => {
      tries += 1;
      throw new AppError("slack_refused", "Slack said not_in_channel");
    });
    await announce(started("run_refusedOnce"), 10);
    await waitFor(() => gaveUp.length === 1, { what: "the give-up" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tries).toBe(1);
    const [failed] = await queue.getFailed();
    expect(failed?.failedReason).toContain("slack_refused");
  });
});
