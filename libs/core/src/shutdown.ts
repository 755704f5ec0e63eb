import type { Logger } from "./logger.ts";

export type Closer = { name: string; close: () => Promise<void>; timeoutMs: number };

/** How long one part may take to close before the sequence moves on without it. */
export const defaultCloseTimeoutMs = 30_000;

/**
 * Resolves with the promise's value, or with `undefined` once `ms` have passed (the promise
 * goes on, unobserved). For waits on libraries that can hang (a BullMQ worker closing while
 * its blocking connection reconnects never finishes).
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes parts in reverse order of creation, each once, logging failures without stopping;
 * a part that does not close within its time limit is logged and left behind, so one stuck
 * part cannot keep the rest (a private redis-server) running. `onSignals` wires
 * SIGINT/SIGTERM; a second signal exits at once.
 */
export class ShutdownSequence {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  add(name: string, close: () => Promise<void>, timeoutMs = defaultCloseTimeoutMs): void {
    this.closers.push({ name, close, timeoutMs });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          const closed = await settleWithin(
            closer.close().then(() => true),
            closer.timeoutMs,
          );
          if (closed) this.logger.debug({ part: closer.name }, "closed");
          else
            this.logger.warn(
              { part: closer.name, timeoutMs: closer.timeoutMs },
              "did not close in time; going on without it",
            );
        } catch (err) {
          this.logger.error({ err, part: closer.name }, "close failed");
        }
      }
    })();
    return this.closing;
  }

  /** Runs `start`; if it throws, closes what was added so far, then rethrows. */
  async closeOnFailure(start: () => Promise<void>): Promise<void> {
    try {
      await start();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  onSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    let signalled = false;
    const handler = (signal: NodeJS.Signals) => {
      if (signalled) return exit(130);
      signalled = true;
      this.logger.info({ signal }, "shutting down");
      void this.close().then(() => exit(0));
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  }
}
