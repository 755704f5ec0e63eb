export * from "./action-version.ts";
export * from "./effect.ts";
export * from "./input-state.ts";
export * from "./key-combo.ts";
export * from "./key-repeat.ts";
export * from "./key-vocabulary.ts";
export * from "./plan-effects.ts";
export * from "./validate-action.ts";
