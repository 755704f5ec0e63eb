export * from "./node-probes.ts";
export * from "./private-redis.ts";
export * from "./redis-cluster.ts";
export * from "./sentinel-group.ts";
