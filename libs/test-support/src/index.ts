export * from "./app-process.ts";
export * from "./x-probe.ts";
export * from "./xvfb-display.ts";
