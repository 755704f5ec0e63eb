export * from "./private-redis.ts";
