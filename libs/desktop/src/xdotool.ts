import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs one xdotool command line against a display; rejects with xdotool's stderr. */
export type Xdotool = (args: string[]) => Promise<void>;

/**
 * xdotool for `display`, in a UTF-8 locale of its own: xdotool reads its text in the
 * process's locale, and with LANG/LC_ALL unset (the node:20-bookworm default) it fails on
 * the first non-ASCII character ("Invalid multi-byte sequence encountered") after typing
 * what came before it. C.UTF-8 ships with Debian's libc. (Measured: /work/shared/FACTS.md.)
 */
export function xdotoolFor(display: string): Xdotool {
  const env = { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" };
  return async (args) => {
    await run("xdotool", args, { env, timeout: 30_000 });
  };
}

/**
 * Every key up (keycodes 10–255 by number, Escape for 9, whose number xdotool reads as the
 * keysym "9"), then every mouse button up. The X server drops a release for a key or
 * button that is not down, so this releases exactly what is held, whoever pressed it.
 */
export const releaseEverything: readonly string[] = [
  "keyup",
  "--delay",
  "0",
  "Escape",
  ...Array.from({ length: 246 }, (_, i) => String(i + 10)),
  ...["1", "2", "3"].flatMap((button) => ["mouseup", button]),
];
