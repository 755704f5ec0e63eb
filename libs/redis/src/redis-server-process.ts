import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import { waitForRedis } from "./redis-connection.ts";

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
    // Its own process group: a Ctrl-C in the terminal signals the whole group, and Redis must
    // outlive the services still closing against it; whoever started it stops it, last.
    const child = spawn(this.options.redisServerPath ?? "redis-server", args, {
      stdio: "ignore",
      detached: true,
    });
    this.child = child;
    const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
    await Promise.race([waitUntilReady(this.url, timeoutMs), spawnError]);
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

/**
 * Resolves once the server at `url` is ready, letting ioredis's reconnect loop do the
 * polling (every 20 ms) until it answers.
 */
async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, { retryStrategy: () => 20, maxRetriesPerRequest: null });
  client.on("error", () => undefined); // refused until the server listens
  try {
    await waitForRedis(client, timeoutMs);
  } finally {
    client.disconnect();
  }
}
