import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";

/**
 * A primary waits 5 s (repl-diskless-sync-delay) for more replicas before the first full
 * sync; a test wants it at once. Given to every node: any may be primary after a failover.
 */
export const fastReplication = ["--repl-diskless-sync-delay", "0"];

/** A short-lived client to one node on loopback that gives up at once if it is down. */
export async function withClient<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** One field of INFO <section> on the node at `port`; undefined if it does not answer. */
export async function infoField(
  port: number,
  section: string,
  name: string,
): Promise<string | undefined> {
  const text = await withClient(port, (c) => c.info(section)).catch(() => "");
  return new RegExp(`^${name}:(.*)$`, "m").exec(text)?.[1]?.trim();
}

/** Whether every replica of the primary on `port` acknowledged its whole replication stream. */
export async function replicasCaughtUp(port: number): Promise<boolean> {
  const text = await withClient(port, (c) => c.info("replication"));
  const offset = /^master_repl_offset:(\d+)/m.exec(text)?.[1];
  const replicas = [...text.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((m) => m[1]);
  return replicas.length > 0 && replicas.every((replicaOffset) => replicaOffset === offset);
}

/** Polls `check` every 50 ms until it holds, or throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
