import { createLogger } from "@deskgate/core";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createQueue,
  createWorker,
  enqueue,
  JobLockLostError,
  jobLockKey,
  parkJob,
  type Queue,
  type Worker,
  wakeJob,
} from "./index.ts";

const logger = createLogger({ level: "silent" });
let redis: PrivateRedis;
let connections: Redis[];
let queue: Queue;
let worker: Worker | undefined;

beforeEach(async () => {
  redis = await startPrivateRedis();
  connections = [connectRedis(redis.url), connectRedis(redis.url)];
  queue = createQueue("runs.desk-q", connections[0]!);
});
afterEach(async () => {
  await worker?.close();
  await queue.close();
  for (const c of connections) c.disconnect();
  await redis.dispose();
});

const request = {
  runId: "run_parkTest1",
  task: "park and wake",
  requester: { userId: "U0ALICE" },
  channel: "C0RUNS",
  requestedAt: new Date().toISOString(),
};

describe("parkJob", () => {
  it("parks a job until it is woken, then runs it again", async () => {
    const seen: string[] = [];
    worker = createWorker(
      "runs.desk-q",
      async (job, token) => {
        seen.push(job.data.runId);
        if (seen.length === 1) return parkJob(job, token, Date.now() + 3_600_000);
        return "done";
      },
      { connection: connections[1]!, logger },
    );
    const job = await enqueue(queue, "agent.run", request, { jobId: request.runId });
    await waitFor(async () => (await job.getState()) === "delayed", { what: "the park" });
    expect(await wakeJob(queue, request.runId)).toBe(true);
    await waitFor(async () => (await job.getState()) === "completed", { what: "the wake" });
    expect(seen).toEqual([request.runId, request.runId]);
    // Waking a job that is not parked is harmless.
    expect(await wakeJob(queue, request.runId)).toBe(false);
  });

  it("says the lock is lost, rather than failing the job, when another attempt owns it", async () => {
    const errors: unknown[] = [];
    worker = createWorker(
      "runs.desk-q",
      async (job, token) => {
        // What a worker that could not renew its lock in time finds: the lock is gone.
        await connections[0]!.del(jobLockKey(job));
        try {
          return await parkJob(job, token, Date.now() + 3_600_000);
        } catch (err) {
          errors.push(err);
          throw err;
        }
      },
      { connection: connections[1]!, logger },
    );
    await enqueue(queue, "agent.run", request, { jobId: request.runId });
    await waitFor(() => errors.length > 0, { what: "the park attempt" });
    expect(errors[0]).toBeInstanceOf(JobLockLostError);
    expect(String(errors[0])).toContain("no longer held by this worker; could not park it");
  });
});
