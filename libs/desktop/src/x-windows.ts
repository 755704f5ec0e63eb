import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A window on the screen, in screen pixels. */
export interface ScreenWindow {
  /** The X window id, decimal (as xdotool prints it). */
  id: string;
  title: string;
  /** WM_CLASS's class part ("XTerm"); empty when the window sets none. */
  className: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * More windows than this on one desktop: the list is not given (a click's window would be
 * a guess), so rules and grants bound to a window treat every window as unknown.
 */
const maxWindows = 60;

// One shell for the whole listing (a process per window per question would cost ~3 ms
// each). Titles and classes are set by the programs, so a page's <title> could spell a
// fake record: they are printed base64-encoded, one per line, never parsed as text.
// With a window manager, EWMH's _NET_CLIENT_LIST_STACKING lists the client windows bottom
// to top (https://specifications.freedesktop.org/wm-spec/latest/ar01s03.html); without
// one, the root's children are the windows, and xwininfo prints them top to bottom.
const listing = String.raw`
# No display, no answer: an empty list would say "no window anywhere".
root=$(xwininfo -root -children 2>/dev/null) || exit 1
ids=$(xprop -root _NET_CLIENT_LIST_STACKING 2>/dev/null | sed -n 's/.*# //p' | tr -d ,)
if [ -n "$ids" ]; then echo "order bottom"; else
  echo "order top"
  ids=$(printf '%s\n' "$root" | sed -n 's/^ *\(0x[0-9a-fA-F]*\) .*/\1/p')
fi
for id in $ids; do
  info=$(xwininfo -id "$id" 2>/dev/null) || continue
  case "$info" in *IsViewable*) ;; *) continue ;; esac
  x=$(printf '%s\n' "$info" | sed -n 's/^ *Absolute upper-left X: *//p')
  y=$(printf '%s\n' "$info" | sed -n 's/^ *Absolute upper-left Y: *//p')
  w=$(printf '%s\n' "$info" | sed -n 's/^ *Width: *//p')
  h=$(printf '%s\n' "$info" | sed -n 's/^ *Height: *//p')
  title=$(xdotool getwindowname "$id" 2>/dev/null | base64 -w0)
  class=$(xprop -id "$id" WM_CLASS 2>/dev/null | base64 -w0)
  echo "window $((id)) $x $y $w $h $title $class"
done`;

/**
 * The windows that can be seen on `display`, top-most first (screen pixels): what a click
 * at a point reaches, and which windows were there when an approver looked. Undefined when
 * the display cannot say (no X tools, no display).
 */
export async function windowsOn(display: string): Promise<ScreenWindow[] | undefined> {
  const env = { ...process.env, DISPLAY: display, LC_ALL: "C.UTF-8" };
  const output = await run("sh", ["-c", listing], { env, timeout: 5_000, maxBuffer: 1 << 20 })
    .then((result) => result.stdout)
    .catch(() => undefined);
  if (output === undefined) return undefined;
  const lines = output.split("\n");
  const order = lines[0]?.trim();
  if (order !== "order bottom" && order !== "order top") return undefined;
  const windows = lines.flatMap((line) => {
    const parsed = parseWindowLine(line);
    return parsed ? [parsed] : [];
  });
  const topFirst = order === "order bottom" ? windows.reverse() : windows;
  return topFirst.length > maxWindows ? undefined : topFirst;
}

function parseWindowLine(line: string): ScreenWindow | undefined {
  const match =
    /^window (\d+) (-?\d+) (-?\d+) (\d+) (\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)$/.exec(line);
  if (!match) return undefined;
  const [, id, x, y, width, height, title, wmClass] = match;
  const classText = Buffer.from(wmClass!, "base64").toString("utf8");
  // WM_CLASS(STRING) = "xterm", "XTerm": the instance, then the class.
  const className = [...classText.matchAll(/"([^"]*)"/g)].map((m) => m[1]).at(-1) ?? "";
  return {
    id: id!,
    title: Buffer.from(title!, "base64").toString("utf8").replace(/\n$/, ""),
    className,
    x: Number(x),
    y: Number(y),
    width: Number(width),
    height: Number(height),
  };
}
