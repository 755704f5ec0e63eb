export * from "./in-memory-audit-log.ts";
export * from "./sample-audit-events.ts";
