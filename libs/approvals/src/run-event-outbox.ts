import { randomBytes } from "node:crypto";
import {
  isApprovalCardEvent,
  parseContract,
  type RunEvent,
  runEventSchema,
} from "@deskgate/contracts";
import type { Redis } from "@deskgate/redis";
import { runKey } from "./redis-keys.ts";

/** One announced event in its run's outbox. */
export interface OutboxEntry {
  id: string;
  event: RunEvent;
}

const outboxKey = (runId: string) => runKey(runId, "outbox");
const drainLockKey = (runId: string) => runKey(runId, "outbox", "lock");
const lastDrainKey = (runId: string) => runKey(runId, "outbox", "drained-at");
/** Runs whose outbox may hold events: a key of its own (its own slot), like `dg:runs`. */
const pendingRunsKey = "dg:outbox:pending";

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
    await this.redis.sadd(pendingRunsKey, event.runId);
    return entry.id;
  }

  /**
   * Runs with events that nobody has drained for `idleMs`, and nobody holds: their last
   * drainer died holding the run, or gave up. Runs found empty leave the pending set.
   */
  async stranded(idleMs: number): Promise<string[]> {
    const stranded: string[] = [];
    for (const runId of await this.redis.smembers(pendingRunsKey)) {
      if ((await this.length(runId)) === 0) {
        await this.redis.srem(pendingRunsKey, runId);
        continue;
      }
      if (await this.redis.exists(drainLockKey(runId))) continue;
      const last = Number(await this.redis.get(lastDrainKey(runId)));
      if (!last || Date.now() - last >= idleMs) stranded.push(runId);
    }
    return stranded;
  }

  async length(runId: string): Promise<number> {
    return this.redis.llen(outboxKey(runId));
  }

  /**
   * Takes the run's drain lock for `lockMs` (renewed while draining); false when another
   * drainer holds it.
   */
  async lock(runId: string, token: string, lockMs: number): Promise<boolean> {
    const locked = (await this.redis.set(drainLockKey(runId), token, "PX", lockMs, "NX")) === "OK";
    if (locked) await this.redis.set(lastDrainKey(runId), String(Date.now()), "EX", 30 * 86_400);
    return locked;
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

  /** Whether an approval card is announced after the head (not counting the head). */
  async cardBehindHead(runId: string): Promise<boolean> {
    const rest = await this.redis.lrange(outboxKey(runId), 1, -1);
    return rest.some((raw) => {
      try {
        const parsed = JSON.parse(raw) as { event?: unknown };
        const event = runEventSchema.safeParse(parsed.event);
        return event.success && isApprovalCardEvent(event.data);
      } catch {
        return false;
      }
    });
  }

  /** Removes the head once handled (or given up on). */
  async pop(runId: string, raw: string): Promise<void> {
    await this.redis.eval(popHeadScript, 1, outboxKey(runId), raw);
  }
}
