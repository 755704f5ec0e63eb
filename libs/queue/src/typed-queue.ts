import { type JobName, type JobPayload, jobCatalog, parseOrThrow } from "@deskgate/contracts";
import { AppError, type Logger } from "@deskgate/core";
import { hashTag, type Redis } from "@deskgate/redis";
import {
  type ConnectionOptions,
  DelayedError,
  type Job,
  type JobsOptions,
  Queue,
  UnrecoverableError,
  Worker,
} from "bullmq";

export type { Job } from "bullmq";
export { DelayedError } from "bullmq";

/**
 * Completed jobs are kept by count and age, not removed at once: removing them makes
 * `waitUntilFinished` fail with "Missing key for job" (measured here).
 */
const defaultJobOptions: JobsOptions = {
  removeOnComplete: { count: 1_000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 5_000 },
};

/**
 * Every queue's keys under its own hash tag (`{runs}:runs:wait`, …), as BullMQ asks for
 * Redis Cluster: its scripts touch many keys of one queue at once, which a cluster allows
 * only within one slot; a tag per queue spreads queues over the nodes.
 * https://docs.bullmq.io/patterns/redis-cluster
 */
export function queuePrefix(name: string): string {
  return hashTag(name);
}

/**
 * A queue over a shared connection. Its "error" events repeat the connection's own (which
 * `watchRedisConnection` reports once per outage), so they are not reported again here;
 * without a listener BullMQ prints each one to the console.
 */
export function createQueue(name: string, connection: Redis): Queue {
  const queue = new Queue(name, {
    connection: connection as unknown as ConnectionOptions,
    prefix: queuePrefix(name),
    defaultJobOptions,
  });
  queue.on("error", () => undefined);
  return queue;
}

/** Adds a job after checking its payload against the catalog: a bad payload never enters Redis. */
export async function enqueue<N extends JobName>(
  queue: Queue,
  name: N,
  payload: JobPayload<N>,
  options: JobsOptions = {},
): Promise<Job> {
  const data = parseOrThrow(jobCatalog[name], payload, `${name} payload`);
  return queue.add(name, data, options);
}

export type JobProcessor = (job: Job, token: string | undefined) => Promise<unknown>;

export interface WorkerOptions {
  connection: Redis;
  /** Where the worker's connection and processing errors go (BullMQ prints them otherwise). */
  logger: Logger;
  concurrency?: number;
  /** Start paused (e.g. the shared run queue on a desktop that is busy). */
  autorun?: boolean;
  lockDurationMs?: number;
  /** How often stalled jobs (their worker died mid-job) are looked for. */
  stalledIntervalMs?: number;
  /** How many stalls a job survives; runs resume from their checkpoint, so many. */
  maxStalledCount?: number;
}

/**
 * A BullMQ worker over one queue. This is the one place an AppError that must not be
 * retried becomes BullMQ's UnrecoverableError.
 */
export function createWorker(
  name: string,
  processor: JobProcessor,
  options: WorkerOptions,
): Worker {
  const worker = new Worker(
    name,
    async (job, token) => {
      try {
        return await processor(job, token);
      } catch (err) {
        if (err instanceof AppError && !err.retryable)
          throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    {
      connection: options.connection as unknown as ConnectionOptions,
      prefix: queuePrefix(name),
      concurrency: options.concurrency ?? 1,
      autorun: options.autorun ?? true,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
    },
  );
  worker.on("error", (err) => options.logger.error({ err, queue: name }, "queue worker error"));
  return worker;
}

/**
 * Parks the running job until `untilMs` (or until something promotes it) and ends this
 * attempt. A delayed job holds no lock and is ignored by the stalled checker, so it
 * survives worker restarts. Always throws.
 */
export async function parkJob(
  job: Job,
  token: string | undefined,
  untilMs: number,
  afterParked?: () => Promise<void>,
): Promise<never> {
  try {
    await job.moveToDelayed(untilMs, token);
  } catch (err) {
    if (isLockLost(err)) throw new JobLockLostError(job, "could not park it");
    throw err;
  }
  await afterParked?.();
  throw new DelayedError();
}

/**
 * This attempt no longer holds its job's lock (it could not renew it in time): the stalled
 * checker hands the job to another attempt, which owns it now. Whoever catches this must
 * not act, finish or fail the job; it only stops.
 */
export class JobLockLostError extends AppError {
  constructor(job: Job, doing: string) {
    super("job_lock_lost", `job ${job.id} is no longer held by this worker; ${doing}`, {
      retryable: true,
    });
  }
}

/** BullMQ's codes for a lock that is gone (JobLockNotExist) or someone else's (JobLockMismatch). */
function isLockLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === -2 || code === -6;
}

/**
 * Wakes a parked job now. Tolerates a job that is not delayed (already woken, running, or
 * gone): promote() fails on those, and waking twice is harmless.
 */
export async function wakeJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  try {
    await job.promote();
    return true;
  } catch {
    return false;
  }
}

export function isDelayedError(err: unknown): boolean {
  return err instanceof DelayedError;
}

/**
 * Whether `token` still holds the job's lock. A worker that could not renew its lock
 * (Redis was away longer than the lock lasts) may find the job handed to another worker;
 * checking this right before acting keeps an action from running twice. The lock key is
 * BullMQ's `<prefix>:<queue>:<job id>:lock`, from the job's own qualified queue name.
 */
export async function holdsJobLock(
  redis: Redis,
  job: Job,
  token: string | undefined,
): Promise<boolean> {
  if (!token || !job.id) return false;
  return (await redis.get(jobLockKey(job))) === token;
}

/** The key BullMQ keeps a running job's lock token under. */
export function jobLockKey(job: Job): string {
  return `${job.queueQualifiedName}:${job.id}:lock`;
}

/**
 * The names of every BullMQ queue in this Redis, read from their keys (`{name}:name:meta`,
 * see `queuePrefix`): the per-desktop run queues are created on demand, so no list is kept
 * anywhere. On a Redis Cluster every primary is scanned.
 */
export async function listQueueNames(connection: Redis): Promise<string[]> {
  const names = new Set<string>();
  const cluster = connection as unknown as {
    isCluster?: boolean;
    nodes?: (role: string) => Redis[];
  };
  const nodes = cluster.isCluster && cluster.nodes ? cluster.nodes("master") : [connection];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", "{*}:*:meta", "COUNT", 500);
      for (const key of keys) {
        const name = /^\{([^}]*)\}:(.*):meta$/.exec(key);
        if (name && name[1] === name[2]) names.add(name[1]!);
      }
      cursor = next;
    } while (cursor !== "0");
  }
  return [...names].sort();
}
