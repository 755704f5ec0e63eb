export * from "./block-kit-rules.ts";
export * from "./fake-slack.ts";
export * from "./fake-slack-web-api.ts";
export * from "./slack-payloads.ts";
export * from "./slack-rate-limits.ts";
