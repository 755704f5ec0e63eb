import { isoTimeSchema, runIdSchema } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { z } from "zod";
import { parseAuditEvent } from "./audit-event.ts";
import { auditKeys } from "./audit-keys.ts";
import { appendChained, readChained, readHead } from "./chain/redis-chained-stream.ts";
import type { ChainedEntry } from "./chain/verify-chain.ts";

/** How long trails and screenshots are kept after a run's newest record; forever when unset. */
export interface AuditRetentionPolicy {
  trailMs?: number | undefined;
  screenshotsMs?: number | undefined;
}

/**
 * One entry of the expiry ledger (its own hash chain): a trail retention removed, with the
 * head it had, so an exported copy of it can still be shown complete and untouched.
 */
export const trailExpirySchema = z.object({
  type: z.literal("audit.trail_expired"),
  runId: runIdSchema,
  at: isoTimeSchema,
  records: z.number().int().min(0),
  lastSeq: z.number().int().min(0),
  lastHash: z.string().nullable(),
  retentionMs: z.number().int().min(0),
});
export type TrailExpiry = z.infer<typeof trailExpirySchema>;

/** KEYS: head, then the keys to delete. ARGV: the id the head must still name. */
const deleteIfHeadScript = `
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return -1 end
local n = 0
for i = 2, #KEYS do n = n + redis.call('DEL', KEYS[i]) end
return n`;

/** KEYS: the run index. ARGV: run id, the score it must still have. */
const unindexIfUnchangedScript = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`;

export interface AuditRetentionOptions {
  redis: Redis;
  keyPrefix?: string;
  now?: () => Date;
  logger?: Logger;
}

/**
 * Applies retention: screenshots of runs idle longer than `screenshotsMs` are deleted after
 * an `audit.screenshots_expired` record is chained onto the run's trail; trails idle longer
 * than `trailMs` are deleted after an entry in the expiry ledger. Record first, delete
 * second, each delete only if nothing was appended meanwhile: a crash or a second sweeper
 * repeats nothing and loses nothing unrecorded.
 */
export class AuditRetention {
  private readonly keys: ReturnType<typeof auditKeys>;
  private readonly now: () => Date;

  constructor(private readonly options: AuditRetentionOptions) {
    this.keys = auditKeys(options.keyPrefix ?? "");
    this.now = options.now ?? (() => new Date());
  }

  async sweep(policy: AuditRetentionPolicy): Promise<{ screenshots: number; trails: number }> {
    let screenshots = 0;
    let trails = 0;
    const nowMs = this.now().getTime();
    if (policy.screenshotsMs !== undefined) {
      for (const runId of await this.idleSince(nowMs - policy.screenshotsMs))
        if (await this.expireScreenshots(runId, policy.screenshotsMs)) screenshots += 1;
    }
    if (policy.trailMs !== undefined) {
      for (const [runId, score] of await this.idleWithScores(nowMs - policy.trailMs))
        if (await this.expireTrail(runId, score, policy.trailMs)) trails += 1;
    }
    if (screenshots + trails > 0)
      this.options.logger?.info({ screenshots, trails }, "audit retention applied");
    return { screenshots, trails };
  }

  /** The expiry ledger as stored, for verify. */
  async ledger(): Promise<ChainedEntry[]> {
    const entries = await readChained(this.options.redis, this.keys.expiries);
    return entries.map((e) => ({ id: e.id, value: JSON.parse(e.json ?? "null"), chain: e.chain }));
  }

  ledgerHead() {
    return readHead(this.options.redis, this.keys.expiries);
  }

  private async expireScreenshots(runId: string, retentionMs: number): Promise<boolean> {
    const { redis } = this.options;
    const keys = this.keys.run(runId);
    const count = await redis.hlen(keys.screenshots);
    const head = await readHead(redis, keys);
    if (count === 0 || !head) return false;
    const event = parseAuditEvent(
      {
        type: "audit.screenshots_expired",
        runId,
        at: this.now().toISOString(),
        count,
        throughSeq: head.seq,
        retentionMs,
      },
      "audit_event_invalid",
    );
    // Not through RedisStreamAuditLog: this record must not count as activity of the run.
    const appended = await appendChained(redis, keys, event, {
      onceKey: `screenshots-expired:${head.seq}`,
    });
    const deleted = await redis.eval(
      deleteIfHeadScript,
      2,
      keys.head,
      keys.screenshots,
      appended.id,
    );
    return deleted !== -1;
  }

  private async expireTrail(runId: string, score: string, retentionMs: number): Promise<boolean> {
    const { redis } = this.options;
    const keys = this.keys.run(runId);
    const head = await readHead(redis, keys);
    const entry: TrailExpiry = {
      type: "audit.trail_expired",
      runId,
      at: this.now().toISOString(),
      records: await redis.xlen(keys.stream),
      lastSeq: head?.seq ?? 0,
      lastHash: head?.hash ?? null,
      retentionMs,
    };
    await appendChained(redis, this.keys.expiries, trailExpirySchema.parse(entry), {
      onceKey: `${runId}:${head?.hash ?? "empty"}`,
    });
    if (head) {
      const deleted = await redis.eval(
        deleteIfHeadScript,
        5,
        keys.head,
        keys.stream,
        keys.once,
        keys.screenshots,
        keys.head,
        head.id,
      );
      if (deleted === -1) return false;
    }
    await redis.eval(unindexIfUnchangedScript, 1, this.keys.index, runId, score);
    return true;
  }

  private async idleSince(beforeMs: number): Promise<string[]> {
    return this.options.redis.zrangebyscore(this.keys.index, 0, `(${beforeMs}`);
  }

  private async idleWithScores(beforeMs: number): Promise<Array<[string, string]>> {
    const flat = await this.options.redis.zrangebyscore(
      this.keys.index,
      0,
      `(${beforeMs}`,
      "WITHSCORES",
    );
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    return pairs;
  }
}

/**
 * Sweeps now and then every `everyMs` (an hour by default) while the process runs; sweeps
 * are idempotent, so several processes may run them. Returns the stop function.
 */
export function scheduleAuditRetention(
  retention: AuditRetention,
  policy: AuditRetentionPolicy,
  logger: Logger,
  everyMs = 3_600_000,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = retention
      .sweep(policy)
      .catch((err: unknown) => logger.error({ err }, "audit retention sweep failed"));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
