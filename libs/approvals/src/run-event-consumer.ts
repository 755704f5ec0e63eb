import { randomBytes } from "node:crypto";
import { parseContract, queueNames, type RunEvent, runEventSchema } from "@deskgate/contracts";
import { AppError, type Logger } from "@deskgate/core";
import { createQueue, createWorker, enqueue, type Job, type Worker } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import type { RunEventHandler } from "./run-desk.ts";
import { RunEventOutbox } from "./run-event-outbox.ts";

/** How long a drainer holds a run (renewed while it posts): a dead drainer's hold lapses. */
const drainLockMs = 10_000;
/** How often, and after how long idle, runs left with events and no drainer are kicked. */
const sweepEveryMs = 5_000;
const strandedAfterMs = 30_000;

/**
 * The bot's side of the announcements. A job says a run has news; the run's outbox
 * (RunEventOutbox) holds the events in order and is drained from its head by one drainer
 * per run at a time, so a run's thread reads in order however posts fail and are retried,
 * while many runs are posted at once (`concurrency`). A handler that throws (Slack
 * unavailable) leaves its event at the head and the job is retried with backoff by the
 * publisher's job options. A malformed job is refused for good.
 */
export function createRunEventConsumer(options: {
  connection: Redis;
  handler: RunEventHandler;
  logger: Logger;
  /**
   * Told once an event will not be tried again: its last attempt failed, or the handler
   * threw an AppError that is not retryable. The bot fails a run whose card never posted.
   */
  onGaveUp?: (event: RunEvent, err: unknown) => Promise<void>;
  /** Posting one event takes well under this; BullMQ renews the lock while it runs. */
  lockDurationMs?: number;
  /**
   * Runs drained at once (each run still one event at a time). A drain waits for its turn
   * in Slack's posting budget, so this is about one per active run: were every slot
   * held by runs whose thread posts wait behind cards, a new card could not be drained.
   */
  concurrency?: number;
}): Worker {
  const outbox = new RunEventOutbox(options.connection);
  const kicks = createQueue(queueNames.runEvents, options.connection);
  const drain = drainer(outbox, options);
  const worker = createWorker(
    queueNames.runEvents,
    async (job) => {
      const parsed = parseContract(runEventSchema, job.data, "run event");
      if (!parsed.ok) throw new AppError("run_event_invalid", parsed.message, { retryable: false });
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const gaveUp = await drain(parsed.value.runId, lastAttempt);
      if (!gaveUp) return;
      // The event given up on is gone from the head; the rest still need a drainer.
      const next = await outbox.head(parsed.value.runId);
      if (next?.entry) await kick(kicks, job, next.entry.event);
      throw gaveUp.err;
    },
    // A bot that died mid-event leaves the job locked; it is taken again after the lock
    // lapses, however often that happens (messages are keyed, so nothing posts twice).
    {
      connection: options.connection,
      logger: options.logger,
      concurrency: options.concurrency ?? 256,
      maxStalledCount: 1_000,
      lockDurationMs: options.lockDurationMs ?? 10_000,
      stalledIntervalMs: options.lockDurationMs ?? 10_000,
    },
  );
  // A drainer that dies holding a run leaves its events behind a lock that lapses, and
  // the jobs that came meanwhile found the run taken and ended: kick such runs again.
  const sweep = setInterval(() => {
    void (async () => {
      for (const runId of await outbox.stranded(strandedAfterMs)) {
        const head = await outbox.head(runId);
        if (!head?.entry) continue;
        options.logger.warn({ runId }, "run events left without a drainer; draining them");
        await enqueue(kicks, "run-event.announce", head.entry.event, {
          attempts: 20,
          backoff: { type: "exponential", delay: 1_000 },
        });
      }
    })().catch((err: unknown) => options.logger.warn({ err }, "sweeping run outboxes failed"));
  }, sweepEveryMs);
  sweep.unref();
  worker.on("closed", () => {
    clearInterval(sweep);
    void kicks.close();
  });
  return worker;
}

async function kick(queue: ReturnType<typeof createQueue>, job: Job, event: RunEvent) {
  await enqueue(queue, "run-event.announce", event, {
    ...(job.opts.attempts ? { attempts: job.opts.attempts } : {}),
    ...(job.opts.backoff ? { backoff: job.opts.backoff } : {}),
  });
}

/**
 * Drains one run's outbox. Returns undefined when done (or another drainer has the run:
 * it sees this job's event too, as the event was appended before the job was added), or
 * the error of an event given up on (dropped from the head). Throws a retryable failure,
 * leaving the event at the head.
 */
function drainer(
  outbox: RunEventOutbox,
  options: {
    handler: RunEventHandler;
    logger: Logger;
    onGaveUp?: (event: RunEvent, err: unknown) => Promise<void>;
  },
) {
  return async (runId: string, lastAttempt: boolean): Promise<{ err: unknown } | undefined> => {
    const token = randomBytes(8).toString("hex");
    for (;;) {
      if (!(await outbox.lock(runId, token, drainLockMs))) return undefined;
      try {
        for (;;) {
          const head = await outbox.head(runId);
          if (!head) break;
          if (!head.entry) {
            options.logger.error({ runId }, "dropped a malformed run event from the outbox");
            await outbox.pop(runId, head.raw);
            continue;
          }
          const event = head.entry.event;
          const renewal = setInterval(
            () => void outbox.renew(runId, token, drainLockMs).catch(() => undefined),
            drainLockMs / 3,
          );
          try {
            await options.handler(event, { cardWaiting: () => outbox.cardBehindHead(runId) });
          } catch (err) {
            const permanent = err instanceof AppError && !err.retryable;
            if (!permanent && !lastAttempt) throw err;
            await options
              .onGaveUp?.(event, err)
              .catch((gaveUpErr: unknown) =>
                options.logger.error(
                  { err: gaveUpErr, runId },
                  "handling an undeliverable run event failed",
                ),
              );
            await outbox.pop(runId, head.raw);
            return { err };
          } finally {
            clearInterval(renewal);
          }
          await outbox.pop(runId, head.raw);
        }
      } finally {
        await outbox.unlock(runId, token);
      }
      // An event appended while this drainer held the run, after its last look: its job
      // found the run taken and left it to us.
      if ((await outbox.length(runId)) === 0) return undefined;
    }
  };
}
