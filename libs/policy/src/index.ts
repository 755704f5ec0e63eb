export * from "./default-policy.ts";
export * from "./evaluate-policy.ts";
export * from "./load-policy-file.ts";
export * from "./normalize-key-combo.ts";
export * from "./parse-policy.ts";
export * from "./policy.ts";
export * from "./policy-schema.ts";
