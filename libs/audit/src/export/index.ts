export * from "./audit-sink.ts";
export * from "./export-audit.ts";
export * from "./export-record.ts";
export * from "./json-lines-sink.ts";
export * from "./otlp-log-sink.ts";
export * from "./screenshot-files.ts";
export * from "./webhook-sink.ts";
