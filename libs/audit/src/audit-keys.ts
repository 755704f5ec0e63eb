import { hashTag } from "@deskgate/redis";
import type { ChainedStreamKeys } from "./chain/redis-chained-stream.ts";

/** The keys of one chained stream, all under `stream`'s hash tag. */
function chainKeys(stream: string): ChainedStreamKeys {
  return {
    stream,
    /** once-key → entry id, for appendOnce. */
    once: `${stream}:once`,
    /** The newest record's seq, hash and id. */
    head: `${stream}:head`,
    /** SHA-256 → screenshot bytes. */
    screenshots: `${stream}:screenshots`,
  };
}

/**
 * Every Redis key of the audit trail. A run's keys share the run's hash tag, so the append
 * script (stream, head, once-keys, screenshots) stays in one Redis Cluster slot.
 */
export function auditKeys(keyPrefix = "") {
  const run = (runId: string) => `${keyPrefix}audit:${hashTag(runId)}`;
  return {
    /** The run's records, one stream entry each. */
    stream: run,
    /** A run's chain: its stream, once-keys, head and screenshots. */
    run: (runId: string) => chainKeys(run(runId)),
    /** SHA-256 → screenshot bytes. */
    screenshots: (runId: string) => chainKeys(run(runId)).screenshots,
    /** runId → time of its newest record (ms): what export, verify --all and retention walk. */
    index: `${keyPrefix}audit:runs`,
    /** The chained record of every trail retention removed (a chain of its own). */
    expiries: chainKeys(`${keyPrefix}audit:${hashTag("expiries")}`),
  };
}

/** The stream of one run's audit events. */
export function auditStreamKey(runId: string, keyPrefix = ""): string {
  return auditKeys(keyPrefix).stream(runId);
}
