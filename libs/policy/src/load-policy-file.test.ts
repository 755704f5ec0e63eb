import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ComputerAction } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import { initialInputState } from "@deskgate/effects";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { authorizeAction } from "./authorize-action.ts";
import { loadPolicyFile } from "./load-policy-file.ts";

const options = { approvalTimeoutMs: 60_000 };
const dir = mkdtempSync(join(tmpdir(), "deskgate-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function loadError(path: string): AppError {
  try {
    loadPolicyFile(path, options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected loadPolicyFile to fail");
}

const file = {
  mode: "shadow",
  defaults: { timeout: "5m", expiry: "park" },
  rules: [
    {
      id: "no-sudo",
      match: { actions: ["type"], textMatches: "\\bsudo\\b" },
      decision: "deny",
      reason: "no",
    },
    { id: "observe", match: { actions: ["screenshot"] }, decision: "allow" },
  ],
};

describe("loadPolicyFile", () => {
  it.each([
    ["policy.yaml", stringify(file)],
    ["policy.json", JSON.stringify(file)],
  ])("round-trips a rules file written as %s", (name, content) => {
    const policy = loadPolicyFile(write(name, content), options);
    expect(policy.mode).toBe("shadow");
    expect(policy.defaults).toEqual({
      requiredApprovals: 1,
      timeoutMs: 300_000,
      expiryMode: "park",
      renotifyEveryMs: 600_000,
      risk: "medium",
    });
    expect(
      authorizeAction(
        { action: "type", text: "sudo su" },
        { desktop: "d", input: initialInputState },
        policy,
      ),
    ).toMatchObject({
      kind: "ask",
      shadowDenied: { ruleId: "no-sudo", reason: "no" },
    });
    expect(
      authorizeAction({ action: "screenshot" }, { desktop: "d", input: initialInputState }, policy)
        .kind,
    ).toBe("allow");
  });

  it("refuses malformed YAML, naming the path and the line", () => {
    const path = write("broken.yaml", "rules:\n  - id: a\n    match: {actions: [key]\n");
    const error = loadError(path);
    expect(error.code).toBe("policy_invalid");
    expect(error.message).toMatch(new RegExp(`^${path}: not valid YAML: .*line`));
  });

  it("refuses malformed JSON, naming the path", () => {
    const path = write("broken.json", '{"rules": [');
    expect(loadError(path).message).toMatch(new RegExp(`^${path}: not valid JSON`));
  });

  it("refuses a missing file, naming the path", () => {
    const path = join(dir, "absent.yaml");
    expect(loadError(path).message).toMatch(
      new RegExp(`^${path}: cannot read the policy file .*ENOENT`),
    );
  });

  it("refuses invalid rules with the path, rule and field", () => {
    const path = write(
      "bad-rules.yaml",
      "rules:\n  - id: oops\n    match: {}\n    decision: allow-ish\n",
    );
    expect(loadError(path).message).toBe(
      `${path}: rules[0] (id "oops") decision: unknown decision "allow-ish" (use allow, deny or ask)`,
    );
  });

  it("loads the example policy's commented approvalChannels once uncommented", () => {
    const example = readFileSync(
      new URL("../../../infra/policy/example-policy.yaml", import.meta.url),
      "utf8",
    );
    const uncommented = example.replace(
      /^# (approvalChannels:\n(?:# {2}.*\n)+)/m,
      (block: string) => block.replace(/^# ?/gm, ""),
    );
    expect(uncommented).not.toBe(example);
    const policy = loadPolicyFile(write("example-with-channels.yaml", uncommented), options);
    expect(policy.approvalChannels).toEqual([
      { pattern: "prod", channel: "C0123PROD" },
      { pattern: "staging", channel: "C0123PROD" },
      { pattern: "qa-*", channel: "C0123QA" },
    ]);
  });

  it("loads the shipped example policy and applies it as documented", () => {
    const path = fileURLToPath(
      new URL("../../../infra/policy/example-policy.yaml", import.meta.url),
    );
    const policy = loadPolicyFile(path, options);
    const decide = (action: ComputerAction, desktop = "desktop-1", lastChange?: "type") =>
      authorizeAction(
        action,
        { desktop, input: { ...initialInputState, ...(lastChange ? { lastChange } : {}) } },
        policy,
      );
    expect(decide({ action: "screenshot" }).kind).toBe("allow");
    expect(
      decide({ action: "scroll", coordinate: [5, 5], scroll_direction: "down", scroll_amount: 3 })
        .kind,
    ).toBe("allow");
    expect(decide({ action: "type", text: "sudo apt update" })).toMatchObject({
      kind: "deny",
      ruleId: "no-sudo",
    });
    expect(decide({ action: "key", text: "Return" }, "desktop-1", "type")).toMatchObject({
      kind: "ask",
      ruleId: "submit-after-typing",
      requiredApprovals: 1,
      risk: "high",
    });
    expect(decide({ action: "key", text: "Alt+F4" })).toMatchObject({
      ruleId: "closing",
      risk: "high",
    });
    expect(decide({ action: "key", text: "ctrl+q" })).toMatchObject({ risk: "high" });
    for (const lock of ["meta+l", "windows+l", "super_l+l"])
      expect(decide({ action: "key", text: lock }).kind).toBe("deny");
    expect(decide({ action: "key", text: "control_l+alt+Delete" }).kind).toBe("deny");
    expect(decide({ action: "type", text: "rm -rf ~/x\n" })).toMatchObject({
      kind: "ask",
      ruleId: "submit-after-typing",
      risk: "high",
    });
    expect(decide({ action: "type", text: "sudo rm -rf /\n" }).kind).toBe("deny");
    expect(decide({ action: "left_click", coordinate: [1200, 10] }, "prod").kind).toBe("deny");
    expect(decide({ action: "left_click", coordinate: [600, 400] }, "prod")).toMatchObject({
      requiredApprovals: 2,
    });
    expect(decide({ action: "left_click", coordinate: [1200, 10] }, "staging")).toMatchObject({
      expiryMode: "park",
    });
    expect(decide({ action: "left_click", coordinate: [1200, 10] })).toMatchObject({
      kind: "ask",
      ruleId: "everything-else",
      timeoutMs: 30 * 60_000,
      expiryMode: "deny",
      risk: "medium",
      escalation: { remindAfterMs: 10 * 60_000 },
    });
  });
});
