import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "./app-process.ts";

const run = promisify(execFile);

/** Where the X pointer is, in screen pixels, read with xdotool. */
export async function pointerLocation(display: string): Promise<{ x: number; y: number }> {
  const { stdout } = await run("xdotool", ["getmouselocation", "--shell"], {
    env: { ...process.env, DISPLAY: display },
  });
  const x = Number(/X=(\d+)/.exec(stdout)?.[1]);
  const y = Number(/Y=(\d+)/.exec(stdout)?.[1]);
  return { x, y };
}

/** Where the visible window titled exactly `title` is: root-window pixels, read with xdotool. */
export async function windowGeometry(
  display: string,
  title: string,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const env = { ...process.env, DISPLAY: display };
  const pattern = `^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
  const { stdout: ids } = await run("xdotool", ["search", "--onlyvisible", "--name", pattern], {
    env,
  });
  const id = ids.trim().split("\n")[0];
  if (!id) throw new Error(`no visible window titled ${JSON.stringify(title)} on ${display}`);
  const { stdout } = await run("xdotool", ["getwindowgeometry", "--shell", id], { env });
  const field = (name: string) => Number(new RegExp(`${name}=(-?\\d+)`).exec(stdout)?.[1]);
  return { x: field("X"), y: field("Y"), width: field("WIDTH"), height: field("HEIGHT") };
}

export interface TypingTarget {
  /** Everything the terminal received on its standard input so far. */
  received(): string;
  close(): Promise<void>;
}

export interface PreparedTypingTarget extends TypingTarget {
  /** A script that opens the xterm; hand it to whatever should open the window. */
  launcher: string;
  /** Resolves once the xterm runs and its window is mapped (keys sent earlier are lost). */
  opened(timeoutMs?: number): Promise<void>;
}

/**
 * An xterm at `geometry` ("80x10+0+0") whose shell copies what is typed into a file, so
 * a test can read back exactly what arrived. Raw mode: no line editing, every byte kept.
 * Not started: run `launcher` (or let the desktop run it, e.g. as TERMINAL_COMMAND).
 */
export function prepareTypingTarget(
  display: string,
  options: { geometry?: string; background?: string } = {},
): PreparedTypingTarget {
  const dir = mkdtempSync(join(tmpdir(), "deskgate-xterm-"));
  const file = join(dir, "typed");
  const ready = join(dir, "ready");
  const launcher = join(dir, "open-terminal.sh");
  const title = `deskgate-typing-${process.pid}-${Date.now()}`;
  const argv = [
    "xterm",
    "-u8",
    "-title",
    title,
    "-geometry",
    options.geometry ?? "100x20+0+0",
    "-bg",
    options.background ?? "white",
    "-fa",
    "DejaVu Sans Mono",
    "-fs",
    "10",
    "-e",
    "sh",
    "-c",
    // The pid is cat's once it execs: killing it closes the xterm.
    `stty raw -echo; echo $$ > '${ready}'; exec cat > '${file}'`,
  ];
  const quoted = argv.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  writeFileSync(launcher, `#!/bin/sh\nexport LANG=C.UTF-8 LC_ALL=C.UTF-8\nexec ${quoted}\n`, {
    mode: 0o755,
  });
  const env = { ...process.env, DISPLAY: display };
  return {
    launcher,
    async opened(timeoutMs = 10_000) {
      await waitFor(() => readFileSafe(ready)?.trim() || undefined, {
        timeoutMs,
        what: "xterm to start",
      });
      await waitFor(() => run("xdotool", ["search", "--onlyvisible", "--name", title], { env }), {
        timeoutMs,
        what: "the xterm window to map",
      });
    },
    received: () => readFileSafe(file) ?? "",
    async close() {
      const pid = Number(readFileSafe(ready)?.trim());
      if (pid > 0) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A typing target (see prepareTypingTarget), opened by the test itself. */
export async function startTypingTarget(
  display: string,
  options: { geometry?: string; background?: string } = {},
): Promise<TypingTarget> {
  const target = prepareTypingTarget(display, options);
  const child: ChildProcess = spawn(target.launcher, [], {
    env: { ...process.env, DISPLAY: display },
    stdio: "ignore",
  });
  await target.opened();
  return {
    received: target.received,
    async close() {
      await target.close();
      child.kill("SIGKILL");
    },
  };
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * An xterm on `display` at `geometry` ("80x24+0+0" in characters, position in pixels),
 * running `command` (argv) or a long sleep. Kill the returned process to close it.
 */
export function startXterm(
  display: string,
  options: { geometry: string; command?: readonly string[]; background?: string },
): ChildProcess {
  const command = options.command ?? ["sleep", "600"];
  return spawn(
    "xterm",
    ["-geometry", options.geometry, "-bg", options.background ?? "white", "-e", ...command],
    {
      env: { ...process.env, DISPLAY: display, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
      stdio: "ignore",
    },
  );
}

/** A plain coloured window (for screenshots and screen-change checks). */
export function startColouredWindow(
  display: string,
  colour: string,
  geometry: string,
): ChildProcess {
  return startXterm(display, { geometry, background: colour });
}

export interface XInputEvent {
  type: "press" | "motion" | "release" | "key-press" | "key-release";
  /** Root-window (screen) pixels. */
  x: number;
  y: number;
  /** Whether button 1 was down when the event happened. */
  leftHeld: boolean;
  /** Modifiers held (X11 masks: Shift 0x1, Control 0x4, Mod1/Alt 0x8, Mod4/Super 0x40). */
  modifiers: number;
  /** Button events: the X button (1 left, 2 middle, 3 right, 4/5 wheel up/down, 6/7 left/right). */
  button?: number;
  /** Key events: the keysym name ("a", "Control_L", "Return"). */
  key?: string;
}

export interface InputEventLog {
  events(): XInputEvent[];
  close(): void;
}

const eventTypes = {
  ButtonPress: "press",
  MotionNotify: "motion",
  ButtonRelease: "release",
  KeyPress: "key-press",
  KeyRelease: "key-release",
} as const;

/**
 * An `xev` window at `geometry` ("WxH+X+Y", pixels) logging the pointer and key events the
 * X server delivers to it: what an application sees of a click, a drag or a key combo.
 * Keys reach it only while the pointer is over it (no window manager: focus follows it).
 */
export async function startInputEventLog(
  display: string,
  geometry: string,
): Promise<InputEventLog> {
  const masks = ["mouse", "button", "keyboard", "structure"].flatMap((mask) => ["-event", mask]);
  const child = spawn("xev", ["-geometry", geometry, ...masks], {
    env: { ...process.env, DISPLAY: display },
    stdio: ["ignore", "pipe", "ignore"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  await waitFor(() => output.includes("MapNotify"), { what: "the xev window to map" });
  return {
    events: () => parseInputEvents(output),
    close: () => child.kill("SIGKILL"),
  };
}

function parseInputEvents(output: string): XInputEvent[] {
  const events: XInputEvent[] = [];
  for (const block of output.split(/\n\s*\n/)) {
    const name = /^\s*(\w+) event/.exec(block)?.[1];
    const type = name ? eventTypes[name as keyof typeof eventTypes] : undefined;
    const root = /root:\((-?\d+),(-?\d+)\)/.exec(block);
    const state = /state (0x[0-9a-f]+)/.exec(block);
    if (!type || !root || !state) continue;
    const button = /button (\d+)/.exec(block)?.[1];
    const key = /keysym 0x[0-9a-f]+, ([^)]+)\)/.exec(block)?.[1];
    events.push({
      type,
      x: Number(root[1]),
      y: Number(root[2]),
      // Button1Mask is 0x100 (X11 protocol, KeyButMask).
      leftHeld: (Number(state[1]) & 0x100) !== 0,
      modifiers: Number(state[1]) & 0xff,
      ...(button ? { button: Number(button) } : {}),
      ...(key ? { key } : {}),
    });
  }
  return events;
}
