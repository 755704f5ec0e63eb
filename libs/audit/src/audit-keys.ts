import { hashTag } from "@deskgate/redis";

/**
 * Every Redis key of the audit trail. A run's keys share the run's hash tag, so the append
 * script (stream, head, once-keys, screenshots) stays in one Redis Cluster slot.
 */
export function auditKeys(keyPrefix = "") {
  const run = (runId: string) => `${keyPrefix}audit:${hashTag(runId)}`;
  return {
    /** The run's records, one stream entry each. */
    stream: run,
    /** once-key → entry id, for appendOnce. */
    once: (runId: string) => `${run(runId)}:once`,
    /** The newest record's seq, hash and id. */
    head: (runId: string) => `${run(runId)}:head`,
    /** SHA-256 → screenshot bytes. */
    screenshots: (runId: string) => `${run(runId)}:screenshots`,
    /** runId → time of its newest record (ms): what export, verify --all and retention walk. */
    index: `${keyPrefix}audit:runs`,
    /** The chained record of every trail and screenshot set that retention removed. */
    expiries: `${keyPrefix}audit:expiries`,
  };
}

/** The stream of one run's audit events. */
export function auditStreamKey(runId: string, keyPrefix = ""): string {
  return auditKeys(keyPrefix).stream(runId);
}
