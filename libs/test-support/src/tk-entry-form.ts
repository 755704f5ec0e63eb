import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./app-process.ts";

/**
 * A Tk form (Debian's `tk` package, `wish`): two entries, a and b. Tab moves from a to b
 * (Tk's own focus traversal); Return submits, appending "a=…|b=…" as a line, then clears
 * both and focuses a again. Every key press and release is logged as "+keysym"/"-keysym".
 * A real application that reacts to Return, unlike a terminal, which takes any newline.
 */
const script = String.raw`
set dir [lindex $argv 0]
wm geometry . 400x120+0+0
wm title . deskgate-form
entry .a -width 40
entry .b -width 40
pack .a .b
proc append_line {file line} {
  set f [open [file join $::dir $file] a]
  fconfigure $f -encoding utf-8
  puts $f $line
  close $f
}
proc submit {} {
  append_line submitted "a=[.a get]|b=[.b get]"
  .a delete 0 end
  .b delete 0 end
  focus .a
}
bind all <Return> submit
bind all <KeyPress> {append_line keys "+%K"}
bind all <KeyRelease> {append_line keys "-%K"}
after idle {focus -force .a; append_line ready ok}
`;

export interface EntryForm {
  /** Lines submitted with Return, oldest first. */
  submitted(): string[];
  /** Key events the form saw: "+Control_L", "-Control_L", "+a", … */
  keys(): string[];
  close(): Promise<void>;
}

/** Opens the form at the top left of `display`; keys reach it while the pointer is over it. */
export async function startEntryForm(display: string): Promise<EntryForm> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-form-"));
  writeFileSync(join(dir, "form.tcl"), script);
  const child: ChildProcess = spawn("wish", [join(dir, "form.tcl"), dir], {
    env: { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" },
    stdio: "ignore",
  });
  const lines = (file: string) =>
    (readText(join(dir, file)) ?? "").split("\n").filter((line) => line.length > 0);
  await waitFor(() => lines("ready").length > 0 || undefined, {
    timeoutMs: 10_000,
    what: "the Tk form to open (is the tk package installed?)",
  });
  return {
    submitted: () => lines("submitted"),
    keys: () => lines("keys"),
    async close() {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
