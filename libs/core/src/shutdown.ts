import type { Logger } from "./logger.ts";

export type Closer = { name: string; close: () => Promise<void> };

/**
 * Closes parts in reverse order of creation, each once, logging failures without stopping.
 * `onSignals` wires SIGINT/SIGTERM; a second signal exits at once.
 */
export class ShutdownSequence {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer.close();
          this.logger.debug({ part: closer.name }, "closed");
        } catch (err) {
          this.logger.error({ err, part: closer.name }, "close failed");
        }
      }
    })();
    return this.closing;
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
