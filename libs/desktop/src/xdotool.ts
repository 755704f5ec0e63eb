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

/** The window that has the keyboard: what keys pressed now would reach. */
export interface FocusedWindow {
  /** The X window id, as xdotool prints it (decimal). */
  id: string;
  title: string;
  /** WM_CLASS's class part ("XTerm", "firefox"); empty when the window sets none. */
  className: string;
}

/**
 * The focused window on `display`: `xdotool getactivewindow` (the window manager's idea
 * of it, EWMH), else `getwindowfocus` (the X server's, when no window manager runs);
 * its title from xdotool and its class from `xprop WM_CLASS` (x11-utils). Undefined when
 * nothing has the focus or the display cannot say.
 */
export async function focusedWindowOn(display: string): Promise<FocusedWindow | undefined> {
  const env = { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" };
  const ask = async (command: string, args: string[]) =>
    (await run(command, args, { env, timeout: 5_000 })).stdout.trim();
  const id =
    (await ask("xdotool", ["getactivewindow"]).catch(() => "")) ||
    (await ask("xdotool", ["getwindowfocus", "-f"]).catch(() => ""));
  if (!/^\d+$/.test(id) || id === "0" || id === "1") return undefined;
  const title = await ask("xdotool", ["getwindowname", id]).catch(() => "");
  const wmClass = await ask("xprop", ["-id", id, "WM_CLASS"]).catch(() => "");
  // WM_CLASS(STRING) = "xterm", "XTerm": the instance, then the class.
  const className = [...wmClass.matchAll(/"([^"]*)"/g)].map((m) => m[1]).at(-1) ?? "";
  return { id, title, className };
}
