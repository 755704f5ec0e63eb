export * from "./blank-png.ts";
export * from "./check-messages-request.ts";
export * from "./fake-anthropic.ts";
export * from "./fake-anthropic-types.ts";
export * from "./message-builders.ts";
