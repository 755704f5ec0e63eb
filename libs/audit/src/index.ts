export * from "./audit-event.ts";
export * from "./audit-keys.ts";
export * from "./audit-log.ts";
export * from "./audit-retention.ts";
export * from "./chain/record-hash.ts";
export * from "./chain/verify-chain.ts";
export * from "./redis-stream-audit-log.ts";
export * from "./verify-trail.ts";
