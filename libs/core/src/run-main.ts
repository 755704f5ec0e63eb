import { AppError } from "./app-error.ts";
import { ConfigError } from "./config-error.ts";

/**
 * Runs an app's main: a configuration problem prints its list and exits 2 with no stack
 * trace; anything else is a crash (exit 1).
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    // A known failure (no display, Redis unreachable) is a sentence, not a stack trace.
    if (err instanceof AppError) {
      console.error(`cannot start: ${err.message} [${err.code}]`);
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  });
}
