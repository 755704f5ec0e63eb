import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { waitFor } from "@deskgate/test-support/app-process";

export interface XtermShell {
  /** A directory of the shell's own: commands typed into it create files here. */
  dir: string;
  /** Whether `name` exists in `dir` (a command that touched it ran). */
  ran(name: string): boolean;
  /**
   * What the terminal showed so far, as `script` recorded it (with `transcript: true`),
   * without the terminal's control sequences and with "\n" line ends.
   */
  transcript(): string;
  close(): Promise<void>;
}

export interface XtermShellOptions {
  /** xterm's `-geometry`: columns x rows, then the position in pixels. */
  geometry?: string;
  /** The window's title, to find it on the display. */
  title?: string;
  /** Run bash under `script -f`, so `transcript()` returns what the terminal showed. */
  transcript?: boolean;
}

/**
 * An xterm at the top left of `display` (~600×400 px) running an interactive bash with
 * Debian's defaults (emacs key bindings, no rc file but ours) in its own directory: the
 * terminal an agent types commands into. Keys reach it while the pointer is over it (no
 * window manager).
 */
export async function startXtermShell(
  display: string,
  options: XtermShellOptions = {},
): Promise<XtermShell> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-xterm-"));
  const rc = join(dir, "rc");
  const transcript = join(dir, ".transcript");
  // No history file: a shell killed with its xterm would write it while `close` removes dir.
  writeFileSync(rc, `PS1='$ '\nunset HISTFILE\ncd ${dir}\ntouch ${dir}/.ready\n`);
  const bash = ["bash", "--noprofile", "--rcfile", rc];
  const shell = options.transcript ? ["script", "-qfc", bash.join(" "), transcript] : bash;
  const child: ChildProcess = spawn(
    "xterm",
    [
      "-geometry",
      options.geometry ?? "100x30+0+0",
      ...(options.title ? ["-title", options.title] : []),
      "-e",
      "env",
      "-i",
      `HOME=${dir}`,
      "PATH=/usr/bin:/bin",
      "TERM=xterm",
      ...shell,
    ],
    { env: { ...process.env, DISPLAY: display }, stdio: "ignore" },
  );
  await waitFor(() => existsSync(join(dir, ".ready")) || undefined, {
    timeoutMs: 10_000,
    what: "xterm and bash to start (is the xterm package installed?)",
  });
  return {
    dir,
    ran: (name) => existsSync(join(dir, name)),
    transcript: () =>
      existsSync(transcript)
        ? stripVTControlCharacters(readFileSync(transcript, "utf8"))
            .replace(/\r+\n/g, "\n")
            .replace(/\r/g, "")
        : "",
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      // `script` may still flush the transcript as the terminal goes away.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
