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
