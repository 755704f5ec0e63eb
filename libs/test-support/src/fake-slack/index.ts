export * from "./block-kit-rules.ts";
export * from "./event-callback.ts";
export * from "./fake-slack.ts";
export * from "./fake-slack-web-api.ts";
export type { SentRequest } from "./post-to-request-url.ts";
export * from "./slack-payloads.ts";
export * from "./slack-rate-limits.ts";
export * from "./slack-signature.ts";
