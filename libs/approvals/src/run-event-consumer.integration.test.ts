import type { RunEvent } from "@deskgate/contracts";
import { AppError, createLogger } from "@deskgate/core";
import { createQueue, enqueue, type Queue, type Worker } from "@deskgate/queue";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunEventConsumer } from "./run-event-consumer.ts";
import { RunEventOutbox } from "./run-event-outbox.ts";

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

/** As RunEventPublisher announces: into the run's outbox, then a job. */
async function announce(event: RunEvent, attempts: number, delay = 20) {
  await new RunEventOutbox(connections[0]!).append(event);
  return enqueue(queue, "run-event.announce", event, {
    attempts,
    backoff: { type: "fixed", delay },
  });
}

const line = (runId: string, step: number): RunEvent => ({
  type: "step.executed",
  runId,
  at: "2026-11-25T06:00:01.000Z",
  step,
  action: { action: "left_click", coordinate: [1, 1] },
  ok: true,
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

  it("keeps a run's order when a post fails once: the later event waits for the earlier", async () => {
    const handled: string[] = [];
    let failures = 1;
    consume(async (event) => {
      const name = event.type === "step.executed" ? `step ${event.step}` : event.type;
      if (name === "step 1" && failures > 0) {
        failures -= 1;
        throw new Error("internal_error");
      }
      handled.push(`${event.runId} ${name}`);
    });
    await announce(line("run_ordered", 1), 5, 300);
    await announce(line("run_ordered", 2), 5, 300);
    await announce(started("run_anotherRun"), 5, 300);
    await announce(line("run_ordered", 3), 5, 300);
    await waitFor(() => handled.length === 4, { what: "every event handled" });
    expect(handled.filter((h) => h.startsWith("run_ordered"))).toEqual([
      "run_ordered step 1",
      "run_ordered step 2",
      "run_ordered step 3",
    ]);
    expect(await new RunEventOutbox(connections[0]!).length("run_ordered")).toBe(0);
  });

  it("after giving up on an event, posts the run's later events", async () => {
    const handled: number[] = [];
    const gaveUp = consume(async (event) => {
      if (event.type === "step.executed" && event.step === 1) throw new Error("slack is down");
      if (event.type === "step.executed") handled.push(event.step);
    });
    await announce(line("run_skipOne", 1), 2);
    await announce(line("run_skipOne", 2), 2);
    await waitFor(() => handled.length === 1, { what: "the later event" });
    expect(handled).toEqual([2]);
    expect(gaveUp.map((g) => g.runId)).toEqual(["run_skipOne"]);
  });
});
