import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./app-process.ts";

/**
 * A sign-up form in Tk (Debian's `tk` package, `wish`): Name, Email, Company, City, Phone,
 * a Password entry that shows `*`, an "accept the terms" checkbox, a Free/Team plan choice
 * and a Submit button.
 * Submit writes what the form received, one `field<TAB>value` line each, to a file and
 * shows "Thanks, <name>". Once drawn, it writes where each widget is on the screen (root
 * pixels, from `winfo`), so whoever drives it clicks the real widgets. The insertion caret
 * does not blink: the screen stays still between one look and the next.
 */
const script = String.raw`
set dir [lindex $argv 0]
set position [lindex $argv 1]
option add *insertOffTime 0
option add *Font {DejaVuSans 11}
wm geometry . 440x400$position
wm title . deskgate-signup
set terms 0
set plan free
label .nameLabel -text Name
entry .name -width 28
label .emailLabel -text Email
entry .email -width 28
label .companyLabel -text Company
entry .company -width 28
label .cityLabel -text City
entry .city -width 28
label .phoneLabel -text Phone
entry .phone -width 28
label .passwordLabel -text Password
entry .password -width 28 -show *
checkbutton .terms -text "I accept the terms" -variable terms
radiobutton .free -text Free -variable plan -value free
radiobutton .team -text Team -variable plan -value team
button .submit -text Submit -command submit
label .status -text ""
grid .nameLabel .name -sticky w -padx 8 -pady 6
grid .emailLabel .email -sticky w -padx 8 -pady 6
grid .companyLabel .company -sticky w -padx 8 -pady 6
grid .cityLabel .city -sticky w -padx 8 -pady 6
grid .phoneLabel .phone -sticky w -padx 8 -pady 6
grid .passwordLabel .password -sticky w -padx 8 -pady 6
grid .terms - -sticky w -padx 8 -pady 4
grid .free .team -sticky w -padx 8 -pady 4
grid .submit - -pady 8
grid .status - -sticky w -padx 8
proc write_file {file text} {
  set f [open [file join $::dir $file] w]
  fconfigure $f -encoding utf-8
  puts -nonewline $f $text
  close $f
}
proc submit {} {
  set lines {}
  foreach field {name email company city phone password} { lappend lines "$field\t[.$field get]" }
  lappend lines "terms\t$::terms" "plan\t$::plan"
  write_file submitted "[join $lines \n]\n"
  .status configure -text "Thanks, [.name get]"
}
proc write_layout {} {
  set lines {}
  foreach w {name email company city phone password terms free team submit status} {
    lappend lines "$w [winfo rootx .$w] [winfo rooty .$w] [winfo width .$w] [winfo height .$w]"
  }
  write_file layout "[join $lines \n]\n"
  write_file ready ok
}
# Without a window manager the window lands where asked once mapped; only then do the
# widgets' root coordinates hold.
proc when_mapped {} {
  if {[winfo ismapped .submit]} { update; write_layout } else { after 20 when_mapped }
}
after idle when_mapped
`;

export const signupFormWidgets = [
  "name",
  "email",
  "company",
  "city",
  "phone",
  "password",
  "terms",
  "free",
  "team",
  "submit",
  "status",
] as const;
export type SignupFormWidget = (typeof signupFormWidgets)[number];

/** A widget's box on the screen, in root-window pixels. */
export interface WidgetBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SignupForm {
  /** Where each widget is on the screen. */
  layout: Record<SignupFormWidget, WidgetBox>;
  /** What the last Submit received (`terms` "1"/"0", `plan` "free"/"team"), or undefined. */
  submitted(): Record<string, string> | undefined;
  close(): Promise<void>;
}

/**
 * Opens the form on `display` at `position` ("+660+40", the top left corner in pixels);
 * resolves once it is drawn and its layout is known.
 */
export async function startSignupForm(display: string, position = "+0+0"): Promise<SignupForm> {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-signup-"));
  writeFileSync(join(dir, "form.tcl"), script);
  const child: ChildProcess = spawn("wish", [join(dir, "form.tcl"), dir, position], {
    env: { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" },
    stdio: "ignore",
  });
  const close = async () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => readText(join(dir, "ready")) !== undefined, {
      timeoutMs: 10_000,
      what: "the Tk sign-up form to open (is the tk package installed?)",
    });
    return {
      layout: parseLayout(readText(join(dir, "layout")) ?? ""),
      submitted: () => parseFields(readText(join(dir, "submitted"))),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function parseLayout(text: string): Record<SignupFormWidget, WidgetBox> {
  const boxes = new Map<string, WidgetBox>();
  for (const line of text.split("\n")) {
    const [name, x, y, width, height] = line.split(" ");
    if (name)
      boxes.set(name, { x: Number(x), y: Number(y), width: Number(width), height: Number(height) });
  }
  const layout = {} as Record<SignupFormWidget, WidgetBox>;
  for (const widget of signupFormWidgets) {
    const box = boxes.get(widget);
    if (!box || !(box.width > 1))
      throw new Error(`the sign-up form did not report where ${widget} is`);
    layout[widget] = box;
  }
  return layout;
}

function parseFields(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0) fields[line.slice(0, tab)] = line.slice(tab + 1);
  }
  return fields;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
