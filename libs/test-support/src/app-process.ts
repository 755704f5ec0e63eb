import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface AppProcessOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Prefix for echoing the process's output when DESKGATE_TEST_ECHO=1. */
  label: string;
}

/**
 * A child process a test started (the bot, the worker, the desktop script): every output
 * line is kept, so tests can wait for a log line and grep the whole log for secrets.
 */
export class AppProcess {
  readonly lines: string[] = [];
  private child: ChildProcess | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(private readonly options: AppProcessOptions) {}

  start(): this {
    this.exitInfo = undefined;
    const child = spawn(this.options.command, [...this.options.args], {
      env: this.options.env,
      cwd: this.options.cwd ?? process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.length === 0) continue;
        this.lines.push(line);
        if (process.env.DESKGATE_TEST_ECHO === "1")
          process.stderr.write(`[${this.options.label}] ${line}\n`);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      this.exitInfo = { code, signal };
    });
    return this;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  output(): string {
    return this.lines.join("\n");
  }

  /** Waits until a line matches (searching lines already seen too). */
  async waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.lines.find((line) => pattern.test(line));
      if (found) return found;
      if (this.exitInfo) break;
      await sleep(25);
    }
    throw new Error(
      `${this.options.label}: no line matching ${pattern} within ${timeoutMs} ms` +
        `${this.exitInfo ? ` (exited ${JSON.stringify(this.exitInfo)})` : ""}; last lines:\n` +
        this.lines.slice(-15).join("\n"),
    );
  }

  /** Graceful stop: SIGTERM to the whole process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.signalGroup("SIGTERM", graceMs);
  }

  /** A crash: SIGKILL to the whole process group (children such as Xvfb included). */
  async kill(): Promise<void> {
    await this.signalGroup("SIGKILL", 5_000);
  }

  private async signalGroup(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid || this.exitInfo) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Polls `condition` until it returns a value other than undefined/false. Tests only. */
export async function waitFor<T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await sleep(options.intervalMs ?? 20);
  }
  throw new Error(
    `timed out waiting for ${options.what ?? "a condition"}${last ? `: ${String(last)}` : ""}`,
  );
}
