export * from "./queue-view.ts";
