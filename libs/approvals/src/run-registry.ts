import {
  isEndedRunStatus,
  parseOrThrow,
  type RunRecord,
  runRecordSchema,
} from "@deskgate/contracts";
import type { Redis } from "@deskgate/redis";
import { redisKeys } from "./redis-keys.ts";

/** Run records (what `/agent status` and `/agent list` show), with a recency index. */
export class RunRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Index first, then the record: two commands, as the index and the record live in
   * different Redis Cluster slots. A crash between leaves an index entry without a record,
   * which `list` skips; never a record `list` cannot find.
   */
  async put(record: RunRecord): Promise<void> {
    const { runId, requestedAt } = record.request;
    await this.redis.zadd(redisKeys.runIndex, new Date(requestedAt).getTime(), runId);
    await this.redis.set(redisKeys.run(runId), JSON.stringify(record));
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const raw = await this.redis.get(redisKeys.run(runId));
    return raw ? parseOrThrow(runRecordSchema, JSON.parse(raw), "stored run") : undefined;
  }

  /** Read-modify-write of one run; each run has one writer at a time (its worker). */
  async update(
    runId: string,
    patch: Partial<Omit<RunRecord, "request">>,
  ): Promise<RunRecord | undefined> {
    const current = await this.get(runId);
    if (!current) return undefined;
    const next: RunRecord = { ...current, ...patch, updatedAt: this.now().toISOString() };
    for (const key of Object.keys(patch) as Array<keyof typeof patch>)
      if (patch[key] === undefined) delete next[key];
    await this.redis.set(redisKeys.run(runId), JSON.stringify(next));
    return next;
  }

  async list(limit: number): Promise<RunRecord[]> {
    const ids = await this.redis.zrevrange(redisKeys.runIndex, 0, Math.max(0, limit * 4 - 1));
    const records = (await Promise.all(ids.map((id) => this.get(id)))).filter(
      (r): r is RunRecord => r !== undefined,
    );
    const active = records.filter((r) => !isEndedRunStatus(r.status));
    return [...active, ...records.filter((r) => isEndedRunStatus(r.status))].slice(0, limit);
  }
}

/** Counts for /metrics: runs not yet ended, and runs waiting for a decision (most recent 1,000). */
export async function activeRunCounts(
  registry: RunRegistry,
): Promise<{ active: number; waiting: number }> {
  const runs = await registry.list(1_000);
  const active = runs.filter(
    (r) => r.status === "running" || r.status === "waiting" || r.status === "queued",
  );
  return { active: active.length, waiting: active.filter((r) => r.status === "waiting").length };
}

/** /metrics sources for both apps: runs active and approvals pending, read at scrape time. */
export function runMetricSources(registry: RunRegistry) {
  return {
    runsActive: async () => (await activeRunCounts(registry)).active,
    approvalsPending: async () => (await activeRunCounts(registry)).waiting,
  };
}
