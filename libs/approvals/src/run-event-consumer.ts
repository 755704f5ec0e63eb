import { parseContract, queueNames, type RunEvent, runEventSchema } from "@deskgate/contracts";
import { AppError, type Logger } from "@deskgate/core";
import { createWorker, type Worker } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import type { RunEventHandler } from "./run-desk.ts";

/**
 * The bot's side of the announcements. One at a time, so a run's thread reads in order;
 * a handler that throws (Slack unavailable) is retried with backoff by the publisher's
 * job options. A malformed event is refused for good.
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
}): Worker {
  return createWorker(
    queueNames.runEvents,
    async (job) => {
      const parsed = parseContract(runEventSchema, job.data, "run event");
      if (!parsed.ok) throw new AppError("run_event_invalid", parsed.message, { retryable: false });
      try {
        await options.handler(parsed.value);
      } catch (err) {
        const permanent = err instanceof AppError && !err.retryable;
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (options.onGaveUp && (permanent || lastAttempt)) {
          await options
            .onGaveUp(parsed.value, err)
            .catch((gaveUpErr: unknown) =>
              options.logger.error(
                { err: gaveUpErr, runId: parsed.value.runId },
                "handling an undeliverable run event failed",
              ),
            );
        }
        throw err;
      }
    },
    // A bot that died mid-event leaves the job locked; it is taken again after the lock
    // lapses, however often that happens (messages are keyed, so nothing posts twice).
    {
      connection: options.connection,
      logger: options.logger,
      concurrency: 1,
      maxStalledCount: 1_000,
      lockDurationMs: options.lockDurationMs ?? 10_000,
      stalledIntervalMs: options.lockDurationMs ?? 10_000,
    },
  );
}
