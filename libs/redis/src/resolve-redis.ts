import { resolve } from "node:path";
import { AppError, type Logger } from "@deskgate/core";
import which from "which";
import { redisAnswers } from "./redis-connection.ts";
import { RedisServerProcess } from "./redis-server-process.ts";

export interface ResolvedRedis {
  url: string;
  /** Set when we started a private redis-server: stop it on shutdown. */
  privateServer: RedisServerProcess | undefined;
}

export interface ResolveRedisOptions {
  /** REDIS_URL, when set. */
  redisUrl: string | undefined;
  /** PATH, to find redis-server. */
  path: string | undefined;
  /** Where a private server keeps its AOF. */
  dataDir: string;
  logger: Logger;
  port?: number;
}

/**
 * REDIS_URL wins. Without it, a Redis already answering on 127.0.0.1:6379 is used; failing
 * that, a private redis-server from PATH is started there (AOF on, noeviction) so a
 * single-machine team needs nothing else. The private server binds the default port so a
 * separately started bot or worker finds the same one.
 */
export async function resolveRedis(options: ResolveRedisOptions): Promise<ResolvedRedis> {
  if (options.redisUrl) return { url: options.redisUrl, privateServer: undefined };
  const port = options.port ?? 6379;
  const localUrl = `redis://127.0.0.1:${port}`;
  if (await redisAnswers(localUrl)) {
    options.logger.info({ redis: localUrl }, "using the redis answering on the default port");
    return { url: localUrl, privateServer: undefined };
  }
  // `which` falls back to this process's PATH when given none; the caller's PATH is the truth.
  const redisServerPath = options.path
    ? (which.sync("redis-server", { path: options.path, nothrow: true }) ?? undefined)
    : undefined;
  if (!redisServerPath) {
    throw new AppError(
      "redis_unavailable",
      "REDIS_URL is not set, nothing answers on 127.0.0.1:6379 and redis-server is not on PATH. " +
        "Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) " +
        "or set REDIS_URL=redis://host:6379.",
    );
  }
  const dataDir = resolve(options.dataDir);
  const server = new RedisServerProcess({ port, dataDir, redisServerPath });
  await server.start();
  options.logger.info(
    { redis: localUrl, dataDir, pid: server.pid },
    "started a private redis-server (AOF on, noeviction); it stops with the service",
  );
  return { url: localUrl, privateServer: server };
}
