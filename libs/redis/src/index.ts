export * from "./eviction-policy.ts";
export * from "./find-executable.ts";
export * from "./hash-tag.ts";
export * from "./open-service-redis.ts";
export * from "./redis-connection.ts";
export * from "./redis-server-process.ts";
export * from "./resolve-redis.ts";
export * from "./watch-connection.ts";
