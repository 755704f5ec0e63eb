import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface XvfbDisplay {
  display: string;
  width: number;
  height: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A display number with no X socket or lock file. */
export function freeDisplayNumber(): number {
  for (let n = 90 + Math.floor(Math.random() * 400); n < 1000; n += 1) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error("no free X display number");
}

/** An Xvfb display of the test's own; `stop()` kills it. */
export async function startXvfb(
  options: { width?: number; height?: number } = {},
): Promise<XvfbDisplay> {
  const width = options.width ?? 1920;
  const height = options.height ?? 1080;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const number = freeDisplayNumber();
    const child = spawn(
      "Xvfb",
      [`:${number}`, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp"],
      {
        stdio: "ignore",
      },
    );
    running.add(child);
    const socket = `/tmp/.X11-unix/X${number}`;
    const deadline = Date.now() + 5_000;
    let accepting = false;
    while (Date.now() < deadline && child.exitCode === null && !accepting) {
      accepting = await socketAccepts(socket);
      if (!accepting) await sleep(20);
    }
    if (accepting && child.exitCode === null) {
      return {
        display: `:${number}`,
        width,
        height,
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill("SIGTERM");
          await exited;
          running.delete(child);
        },
      };
    }
    child.kill("SIGKILL");
    running.delete(child);
  }
  throw new Error("Xvfb did not start (is it installed? apt-get install xvfb)");
}

/** The socket file appears before the server listens; a connection proves it is up. */
function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * openbox on `display`, as on a real desktop (infra/desktop/start-desktop.sh): it keeps
 * the EWMH stacking list and the active window, which is how the gate tells which window
 * a click reaches and which window has the keys. `stop()` ends it.
 */
export async function startWindowManager(display: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn("openbox", [], {
    env: { ...process.env, DISPLAY: display },
    stdio: "ignore",
  });
  running.add(child);
  // An EWMH window manager announces itself with _NET_SUPPORTING_WM_CHECK on the root.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const check = spawnSync("xprop", ["-root", "_NET_SUPPORTING_WM_CHECK"], {
      env: { ...process.env, DISPLAY: display },
      encoding: "utf8",
    });
    if (/window id #/.test(check.stdout ?? "")) break;
    await sleep(50);
  }
  return {
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
      running.delete(child);
    },
  };
}
