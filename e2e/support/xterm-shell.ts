import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@deskgate/test-support/app-process";

export interface XtermShell {
  /** A directory of the shell's own: commands typed into it create files here. */
  dir: string;
  /** Whether `name` exists in `dir` (a command that touched it ran). */
  ran(name: string): boolean;
  close(): Promise<void>;
}

/**
 * An xterm at the top left of `display` (~600×400 px) running an interactive bash with
 * Debian's defaults (emacs key bindings, no rc file but ours): the terminal an agent types
 * commands into. Keys reach it while the pointer is over it (no window manager).
 */
export async function startXtermShell(display: string): Promise<XtermShell> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-xterm-"));
  const rc = join(dir, "rc");
  writeFileSync(rc, `PS1='$ '\nHISTFILE=${dir}/history\ntouch ${dir}/ready\n`);
  const child: ChildProcess = spawn(
    "xterm",
    [
      "-geometry",
      "100x30+0+0",
      "-e",
      "env",
      "-i",
      `HOME=${dir}`,
      "PATH=/usr/bin:/bin",
      "TERM=xterm",
      "bash",
      "--noprofile",
      "--rcfile",
      rc,
    ],
    { env: { ...process.env, DISPLAY: display }, stdio: "ignore" },
  );
  await waitFor(() => existsSync(join(dir, "ready")) || undefined, {
    timeoutMs: 10_000,
    what: "xterm and bash to start (is the xterm package installed?)",
  });
  return {
    dir,
    ran: (name) => existsSync(join(dir, name)),
    async close() {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
