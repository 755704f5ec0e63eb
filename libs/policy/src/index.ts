export * from "./authorize-action.ts";
export * from "./default-policy.ts";
export * from "./load-policy-file.ts";
export * from "./parse-policy.ts";
export * from "./policy.ts";
export * from "./policy-schema.ts";
export { windowsReached } from "./rule-matches.ts";
