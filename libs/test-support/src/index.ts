export * from "./app-process.ts";
export * from "./tk-entry-form.ts";
export * from "./tk-signup-form.ts";
export * from "./x-probe.ts";
export * from "./xvfb-display.ts";
