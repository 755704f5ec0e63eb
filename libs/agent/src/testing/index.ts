export * from "./scripted-gate.ts";
