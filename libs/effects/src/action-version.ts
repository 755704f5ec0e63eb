import { createHash } from "node:crypto";
import type { ComputerAction } from "@deskgate/contracts";

/**
 * A stable fingerprint of an action: SHA-256 of its JSON with keys sorted, hex. Two
 * actions with the same fields have the same fingerprint whatever the field order, so an
 * approval can name exactly the action it was cast for.
 */
export function actionFingerprint(action: ComputerAction): string {
  return createHash("sha256").update(canonicalJson(action)).digest("hex");
}

/**
 * The fingerprint of a plan: its actions, in order, as one value. Never equal to an
 * action's fingerprint, so an approved plan cannot pass for an approved single action.
 */
export function planFingerprint(actions: readonly ComputerAction[]): string {
  return createHash("sha256")
    .update(canonicalJson({ plan: actions }))
    .digest("hex");
}

/** The fingerprint of what a version approves: its plan when it has one, else its action. */
export function versionFingerprint(version: {
  action: ComputerAction;
  plan?: readonly ComputerAction[] | undefined;
}): string {
  return version.plan ? planFingerprint(version.plan) : actionFingerprint(version.action);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
