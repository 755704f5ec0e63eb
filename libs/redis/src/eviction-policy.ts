import type { Redis } from "ioredis";

/**
 * BullMQ needs `maxmemory-policy noeviction`: any other policy lets Redis drop job keys
 * under memory pressure. https://docs.bullmq.io/guide/going-to-production#max-memory-policy
 * Returns a warning, or undefined when the policy is right (or cannot be read, e.g. a
 * managed Redis that disables CONFIG).
 */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") {
      return `redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued runs and approvals can be silently evicted`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
