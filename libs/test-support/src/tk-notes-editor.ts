import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./app-process.ts";

/**
 * A small text editor in Tk (`wish`, application name "notes": its windows have the
 * WM_CLASS class "Notes"): it opens one file in a text area, Enter starts a new line,
 * ctrl+s saves, ctrl+q closes. The title says "*" while there are unsaved changes. Once
 * drawn it writes where its text area is on the screen (root pixels, from `winfo`).
 */
const script = String.raw`
set dir [lindex $argv 0]
set file [lindex $argv 1]
set position [lindex $argv 2]
option add *insertOffTime 0
option add *Font {DejaVuSans 12}
wm geometry . 560x360$position
text .text -width 50 -height 14 -undo 1
pack .text -fill both -expand 1 -padx 6 -pady 6
set f [open $file r]; fconfigure $f -encoding utf-8
.text insert 1.0 [read -nonewline $f]; close $f
.text edit modified 0
proc title {} {
  set mark [expr {[.text edit modified] ? "*" : ""}]
  wm title . "$mark[file tail $::file] — Notes"
}
proc save {} {
  set f [open $::file w]; fconfigure $f -encoding utf-8
  puts $f [.text get 1.0 end-1c]; close $f
  .text edit modified 0; title
}
proc quit {} {
  set f [open [file join $::dir closed] w]; puts -nonewline $f [.text edit modified]; close $f
  exit
}
bind .text <<Modified>> title
bind .text <Control-s> {save; break}
bind .text <Control-q> {quit; break}
title
proc write_layout {} {
  set f [open [file join $::dir layout] w]
  puts -nonewline $f "text [winfo rootx .text] [winfo rooty .text] [winfo width .text] [winfo height .text]"
  close $f
  set f [open [file join $::dir ready] w]; puts -nonewline $f ok; close $f
}
proc when_mapped {} {
  if {[winfo ismapped .text]} { update; focus -force .text; write_layout } else { after 20 when_mapped }
}
after idle when_mapped
`;

export interface NotesEditor {
  /** The text area, in root-window pixels. */
  text: { x: number; y: number; width: number; height: number };
  /** Whether it was closed with ctrl+q, and whether it had unsaved changes then. */
  closed(): { unsaved: boolean } | undefined;
  close(): Promise<void>;
}

/** Opens `file` in the editor on `display` at `position` ("+40+40"); resolves once drawn. */
export async function startNotesEditor(
  display: string,
  file: string,
  position = "+0+0",
): Promise<NotesEditor> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-notes-"));
  writeFileSync(join(dir, "notes.tcl"), script);
  // wish takes its own options (-name sets the WM_CLASS) after the script's file name and
  // passes the rest to the script as argv.
  const child: ChildProcess = spawn(
    "wish",
    [join(dir, "notes.tcl"), "-name", "notes", dir, file, position],
    {
      env: { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" },
      stdio: "ignore",
    },
  );
  const close = async () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => existsSync(join(dir, "ready")), {
      timeoutMs: 10_000,
      what: "the Tk notes editor to open (is the tk package installed?)",
    });
    const [, x, y, width, height] = readFileSync(join(dir, "layout"), "utf8")
      .split(" ")
      .map(Number);
    return {
      text: { x: x!, y: y!, width: width!, height: height! },
      closed: () => {
        const path = join(dir, "closed");
        return existsSync(path) ? { unsaved: readFileSync(path, "utf8") === "1" } : undefined;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
