export * from "./fake-otlp-collector.ts";
export * from "./webhook-receiver.ts";
