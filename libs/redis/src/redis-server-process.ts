import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RedisServerOptions {
  port: number;
  /** Folder for the AOF and the log; created if missing. */
  dataDir: string;
  appendOnly?: boolean;
  /** Extra `--flag value` pairs. */
  extraArgs?: readonly string[];
  redisServerPath?: string;
}

/** A redis-server child process we started and therefore may stop, kill and restart. */
export class RedisServerProcess {
  private child: ChildProcess | undefined;

  constructor(private readonly options: RedisServerOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 5_000): Promise<void> {
    mkdirSync(this.options.dataDir, { recursive: true });
    const args = [
      "--port",
      String(this.options.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      this.options.dataDir,
      "--appendonly",
      this.options.appendOnly === false ? "no" : "yes",
      "--appendfsync",
      // Each write is on disk before Redis answers: a decision acknowledged to a
      // clicker survives a crash of the Redis host.
      "always",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
      "--daemonize",
      "no",
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(this.options.redisServerPath ?? "redis-server", args, { stdio: "ignore" });
    this.child = child;
    const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
    await Promise.race([waitForPort(this.options.port, timeoutMs), spawnError]);
  }

  /** Clean stop: Redis flushes the AOF on SIGTERM. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  /** A crash: no flush, no goodbye. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}

export async function isPortAnswering(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isPortAnswering(port)) return;
    await sleep(20);
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}
