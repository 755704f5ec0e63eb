export * from "./private-redis.ts";
export * from "./sentinel-group.ts";
