import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { AppError } from "@deskgate/core";
import { parseDocument } from "yaml";
import { parsePolicy } from "./parse-policy.ts";
import type { Policy, PolicyOptions } from "./policy.ts";

/**
 * Reads a rules file (`.json` as JSON, anything else as YAML). Any problem — unreadable,
 * malformed, invalid rules — is an `AppError("policy_invalid")` naming the path and every
 * problem, so the service refuses to start rather than run with rules nobody wrote.
 */
export function loadPolicyFile(path: string, options: PolicyOptions): Policy {
  const fail = (problems: string, cause?: unknown) =>
    new AppError("policy_invalid", `${path}: ${problems}`, { cause });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw fail(`cannot read the policy file (${errorMessage(error)})`, error);
  }
  const raw = parseText(text, extname(path).toLowerCase() === ".json", fail);
  try {
    return parsePolicy(raw, options);
  } catch (error) {
    if (error instanceof AppError) throw fail(error.message, error);
    throw error;
  }
}

function parseText(
  text: string,
  json: boolean,
  fail: (problems: string, cause?: unknown) => AppError,
): unknown {
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw fail(`not valid JSON (${errorMessage(error)})`, error);
    }
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw fail(`not valid YAML: ${document.errors.map((error) => error.message).join("; ")}`);
  }
  return document.toJS() as unknown;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
