import { randomBytes } from "node:crypto";
import { parseContract, type RunEvent, runEventSchema } from "@deskgate/contracts";
import type { Redis } from "@deskgate/redis";
import { runKey } from "./redis-keys.ts";

/** One announced event in its run's outbox. */
export interface OutboxEntry {
  id: string;
  event: RunEvent;
}

const outboxKey = (runId: string) => runKey(runId, "outbox");
const drainLockKey = (runId: string) => runKey(runId, "outbox", "lock");

/** Removes the head only if it is still `head` (another drainer may have moved on). */
const popHeadScript = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  return 1
end
return 0
`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/**
 * Each run's announcements in the order they were made, one Redis list per run (under the
 * run's hash tag). The queue's jobs only say "this run has news": whoever handles one
 * drains the run's list from its head, one drainer per run at a time, and removes an
 * event only once it is handled. A failed post therefore leaves its event at the head,
 * and nothing announced later overtakes it, across retries, backoff and bot restarts.
 */
export class RunEventOutbox {
  constructor(private readonly redis: Redis) {}

  /** Appends `event` to its run's outbox; returns the entry id. */
  async append(event: RunEvent): Promise<string> {
    const entry: OutboxEntry = { id: randomBytes(8).toString("hex"), event };
    await this.redis
      .multi()
      .rpush(outboxKey(event.runId), JSON.stringify(entry))
      .expire(outboxKey(event.runId), 30 * 86_400)
      .exec();
    return entry.id;
  }

  async length(runId: string): Promise<number> {
    return this.redis.llen(outboxKey(runId));
  }

  /**
   * Takes the run's drain lock for `lockMs` (renewed while draining); false when another
   * drainer holds it.
   */
  async lock(runId: string, token: string, lockMs: number): Promise<boolean> {
    return (await this.redis.set(drainLockKey(runId), token, "PX", lockMs, "NX")) === "OK";
  }

  async renew(runId: string, token: string, lockMs: number): Promise<boolean> {
    return (
      Number(await this.redis.eval(renewScript, 1, drainLockKey(runId), token, String(lockMs))) ===
      1
    );
  }

  async unlock(runId: string, token: string): Promise<void> {
    await this.redis.eval(releaseScript, 1, drainLockKey(runId), token);
  }

  /** The oldest event not yet handled, as stored (raw) and parsed; a malformed one is dropped. */
  async head(runId: string): Promise<{ raw: string; entry: OutboxEntry | undefined } | undefined> {
    const raw = await this.redis.lindex(outboxKey(runId), 0);
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as { id?: unknown; event?: unknown };
      const event = parseContract(runEventSchema, parsed.event, "run event");
      return {
        raw,
        entry:
          event.ok && typeof parsed.id === "string"
            ? { id: parsed.id, event: event.value }
            : undefined,
      };
    } catch {
      return { raw, entry: undefined };
    }
  }

  /** Removes the head once handled (or given up on). */
  async pop(runId: string, raw: string): Promise<void> {
    await this.redis.eval(popHeadScript, 1, outboxKey(runId), raw);
  }
}
