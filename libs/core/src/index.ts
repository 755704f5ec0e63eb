export * from "./app-error.ts";
export * from "./config-error.ts";
export * from "./env.ts";
export * from "./load-env-config.ts";
export * from "./logger.ts";
export * from "./run-main.ts";
export * from "./shutdown.ts";
