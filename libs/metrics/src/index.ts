export * from "./health-server.ts";
export * from "./service-metrics.ts";
