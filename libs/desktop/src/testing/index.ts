export * from "./recording-computer.ts";
