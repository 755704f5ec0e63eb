export * from "./audit-event.ts";
export * from "./audit-log.ts";
export * from "./redis-stream-audit-log.ts";
export * from "./to-json-lines.ts";
