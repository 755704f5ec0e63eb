import { type Grant, grantSchema } from "@deskgate/contracts";

const keptAfterEndMs = 24 * 3600_000;

import type { Redis } from "@deskgate/redis";
import { redisKeys } from "./redis-keys.ts";

/**
 * Active grants in Redis: a hash per run and one per desktop (grant id → JSON), each entry
 * holding its own end time; the key lives as long as its longest grant. A revoked or
 * lapsed grant is simply gone from the hash, so the gate, reading it right before each
 * action, never sees it again.
 */
export class GrantStore {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date,
  ) {}

  /** Stores a grant; false when one with that id exists already (a retried follow-up). */
  async create(grant: Grant): Promise<boolean> {
    const parsed = grantSchema.parse(grant);
    const key = this.keyOf(parsed);
    const added = await this.redis.hsetnx(key, parsed.grantId, JSON.stringify(parsed));
    if (added === 0) return false;
    const remainingMs = new Date(parsed.until).getTime() - this.now().getTime();
    const ttl = await this.redis.pttl(key);
    if (ttl < remainingMs) await this.redis.pexpire(key, Math.max(1, remainingMs));
    // Kept a day past its end, so the thread can still say what the grant was.
    await this.redis.set(
      redisKeys.grant(parsed.grantId),
      JSON.stringify(parsed),
      "PX",
      Math.max(1, remainingMs) + keptAfterEndMs,
    );
    return true;
  }

  /** The grant with this id, active or not, while its record is kept. */
  async find(grantId: string): Promise<Grant | undefined> {
    const raw = await this.redis.get(redisKeys.grant(grantId));
    return raw ? grantSchema.safeParse(JSON.parse(raw)).data : undefined;
  }

  /** The grant with this id while it is active (and not revoked). */
  async get(grantId: string): Promise<Grant | undefined> {
    const grant = await this.find(grantId);
    if (!grant || !this.active(grant)) return undefined;
    const listed = await this.redis.hexists(this.keyOf(grant), grantId);
    return listed ? grant : undefined;
  }

  /** The grants active now for a run on a desktop: the run's own and the desktop's. */
  async activeFor(runId: string, desktop: string): Promise<Grant[]> {
    const lists = await Promise.all([
      this.redis.hgetall(redisKeys.runGrants(runId)),
      this.redis.hgetall(redisKeys.desktopGrants(desktop)),
    ]);
    return lists.flatMap((entries) =>
      Object.values(entries).flatMap((raw) => {
        const grant = grantSchema.safeParse(JSON.parse(raw)).data;
        return grant && this.active(grant) ? [grant] : [];
      }),
    );
  }

  /** Ends a grant now. The grant as it was, or undefined when it had already ended. */
  async revoke(grantId: string): Promise<Grant | undefined> {
    const grant = await this.find(grantId);
    if (!grant) return undefined;
    const removed = await this.redis.hdel(this.keyOf(grant), grantId);
    return removed > 0 && this.active(grant) ? grant : undefined;
  }

  private keyOf(grant: Grant): string {
    return grant.scope === "run"
      ? redisKeys.runGrants(grant.runId)
      : redisKeys.desktopGrants(grant.desktop);
  }

  private active(grant: Grant): boolean {
    return new Date(grant.until).getTime() > this.now().getTime();
  }
}
