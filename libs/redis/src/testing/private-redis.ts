import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisServerProcess } from "../redis-server-process.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  server: RedisServerProcess;
  /** Stops the server and deletes its data folder. */
  dispose(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port with a fresh data folder (AOF on by
 * default), so a test may kill and restart it and never touches anyone else's Redis.
 */
export async function startPrivateRedis(
  options: { appendOnly?: boolean } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "deskgate-redis-"));
  const server = new RedisServerProcess({ port, dataDir, appendOnly: options.appendOnly ?? true });
  await server.start();
  return {
    url: server.url,
    port,
    server,
    async dispose() {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
