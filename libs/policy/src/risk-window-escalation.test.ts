import type { ComputerAction, DesktopWindow } from "@deskgate/contracts";
import { type DesktopInputState, initialInputState } from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { authorizeAction } from "./authorize-action.ts";
import { parsePolicy } from "./parse-policy.ts";
import type { PolicyFileInput } from "./policy-schema.ts";

const options = { approvalTimeoutMs: 30 * 60_000 };
const terminal: DesktopWindow = {
  id: "11",
  title: "bash — build",
  className: "XTerm",
  rect: [0, 0, 640, 800],
};
const browser: DesktopWindow = {
  id: "22",
  title: "Bank — Firefox",
  className: "firefox",
  rect: [640, 0, 640, 800],
};
const desk = (input: Partial<DesktopInputState> = {}) => ({
  desktop: "desk-1",
  input: {
    ...initialInputState,
    windows: [terminal, browser],
    window: { id: terminal.id, title: terminal.title, className: terminal.className },
    ...input,
  },
});
const policyOf = (file: PolicyFileInput) => parsePolicy(file, options);
const click = (x: number, y: number): ComputerAction => ({
  action: "left_click",
  coordinate: [x, y],
});

describe("risk tiers", () => {
  const policy = policyOf({
    rules: [
      { id: "observe", match: { actions: ["screenshot"] }, decision: "allow" },
      {
        id: "enter-after-typing",
        match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
        decision: "ask",
        risk: "high",
      },
      { id: "typing", match: { actions: ["type"] }, decision: "ask", risk: "low" },
      { id: "rest", match: {}, decision: "ask" },
    ],
  });

  it("defaults: allow is low, ask takes the defaults' (medium), the highest effect wins", () => {
    expect(authorizeAction({ action: "screenshot" }, desk(), policy)).toMatchObject({
      kind: "allow",
      risk: "low",
    });
    expect(authorizeAction(click(10, 10), desk(), policy)).toMatchObject({
      kind: "ask",
      risk: "medium",
    });
    expect(authorizeAction({ action: "type", text: "ls" }, desk(), policy)).toMatchObject({
      risk: "low",
    });
    // Typing then Enter in one action: the Enter's high risk is the action's.
    expect(authorizeAction({ action: "type", text: "ls\n" }, desk(), policy)).toMatchObject({
      kind: "ask",
      risk: "high",
    });
  });

  it("a shadow-mode deny asks as high risk", () => {
    const shadow = policyOf({
      mode: "shadow",
      rules: [{ id: "no-rm", match: { textMatches: "rm -rf" }, decision: "deny" }],
    });
    expect(authorizeAction({ action: "type", text: "rm -rf /" }, desk(), shadow)).toMatchObject({
      kind: "ask",
      risk: "high",
      shadowDenied: { ruleId: "no-rm" },
    });
  });

  it("refuses a risk on a deny rule and high risk on an allow rule, naming the rule", () => {
    expect(() =>
      policyOf({ rules: [{ id: "d", match: {}, decision: "deny", risk: "low" }] }),
    ).toThrow(/rules\[0\] \(id "d"\) risk: a deny rule refuses the action/);
    expect(() =>
      policyOf({ rules: [{ id: "a", match: {}, decision: "allow", risk: "high" }] }),
    ).toThrow(/high risk always gets a card of its own/);
    expect(() =>
      policyOf({ rules: [{ id: "a", match: {}, decision: "ask", risk: "severe" }] } as never),
    ).toThrow(/unknown risk "severe"/);
  });
});

describe("window matches", () => {
  const rule = (decision: "allow" | "deny" | "ask", window: Record<string, unknown>) =>
    policyOf({
      rules: [
        { id: "under-test", match: { window }, decision },
        { id: "rest", match: {}, decision: "ask" },
      ],
    });

  it("keys and typing reach the focused window; clicks the window under them", () => {
    const allowTerminal = rule("allow", { class: "XTerm" });
    expect(authorizeAction({ action: "type", text: "ls" }, desk(), allowTerminal).kind).toBe(
      "allow",
    );
    expect(authorizeAction(click(100, 100), desk(), allowTerminal).kind).toBe("allow");
    // The terminal has the focus, but this click lands on the browser.
    expect(authorizeAction(click(900, 100), desk(), allowTerminal)).toMatchObject({
      kind: "ask",
      ruleId: "rest",
    });
  });

  it("allow needs the window known; deny and ask count an unknown window as matching", () => {
    const unknown = desk({ windows: undefined, window: undefined });
    expect(authorizeAction(click(100, 100), unknown, rule("allow", { class: "XTerm" })).kind).toBe(
      "ask",
    );
    expect(authorizeAction(click(100, 100), unknown, rule("deny", { class: "firefox" })).kind).toBe(
      "deny",
    );
    // Known and different: the deny rule does not apply.
    expect(authorizeAction(click(100, 100), desk(), rule("deny", { class: "firefox" })).kind).toBe(
      "ask",
    );
  });

  it("titleMatches reads the title; a click on the bare desktop is in no window", () => {
    const denyBank = rule("deny", { titleMatches: "Bank" });
    expect(authorizeAction(click(900, 100), desk(), denyBank).kind).toBe("deny");
    expect(authorizeAction(click(100, 100), desk(), denyBank).kind).toBe("ask");
    const bare = desk({ windows: [{ ...terminal, rect: [0, 0, 10, 10] }] });
    expect(authorizeAction(click(500, 500), bare, rule("allow", { class: "XTerm" })).kind).toBe(
      "ask",
    );
  });

  it("a title, which the page sets itself, never makes a verdict laxer", () => {
    // A page in the browser titles itself like the window a carve-out names.
    const spoofed = desk({
      windows: [terminal, { ...browser, title: "Scratch pad — Firefox" }],
      window: { id: browser.id, title: "Scratch pad — Firefox", className: "firefox" },
    });
    const carveOut = policyOf({
      rules: [
        {
          id: "scratch-one-approver",
          match: { window: { class: ["firefox"], titleMatches: "^Scratch pad" } },
          decision: "ask",
        },
        { id: "two", match: {}, decision: "ask", approvers: 2 },
      ],
    });
    expect(authorizeAction({ action: "type", text: "hi" }, spoofed, carveOut)).toMatchObject({
      kind: "ask",
      requiredApprovals: 2,
    });
    // Stricter by title still holds.
    const stricter = policyOf({
      rules: [
        {
          id: "bank-high",
          match: { window: { titleMatches: "Bank" } },
          decision: "ask",
          risk: "high",
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    });
    expect(authorizeAction(click(900, 100), desk(), stricter)).toMatchObject({
      kind: "ask",
      risk: "high",
    });
    // An allow rule keyed on a title is refused when the policy loads.
    expect(() =>
      policyOf({
        rules: [
          {
            id: "scratch-free",
            match: { window: { class: ["firefox"], titleMatches: "^Scratch pad" } },
            decision: "allow",
          },
        ],
      }),
    ).toThrow(/titleMatches/);
  });

  it("needs class or titleMatches", () => {
    expect(() => rule("allow", {})).toThrow(/window: needs class or titleMatches/);
  });
});

describe("escalation", () => {
  it("compiles into the ask settings, a rule's own or the defaults'", () => {
    const policy = policyOf({
      defaults: { timeout: "1h", escalation: { remindAfter: "10m" } },
      rules: [
        {
          id: "with-backup",
          match: { actions: ["type"] },
          decision: "ask",
          escalation: { remindAfter: "5m", backupAfter: "20m", backup: ["U0BACKUP", "S0ONCALL"] },
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    });
    expect(authorizeAction({ action: "type", text: "x" }, desk(), policy)).toMatchObject({
      escalation: {
        remindAfterMs: 300_000,
        backupAfterMs: 1_200_000,
        backup: ["U0BACKUP", "S0ONCALL"],
      },
    });
    expect(authorizeAction(click(1, 1), desk(), policy)).toMatchObject({
      escalation: { remindAfterMs: 600_000, backup: [] },
    });
  });

  it("refuses steps that could never happen, and backup without a time", () => {
    expect(() =>
      policyOf({
        defaults: { timeout: "10m" },
        rules: [{ id: "late", match: {}, decision: "ask", escalation: { remindAfter: "15m" } }],
      }),
    ).toThrow(/rule "late" escalation.remindAfter: must come before the timeout \(10 min\)/);
    expect(() =>
      policyOf({
        rules: [{ id: "b", match: {}, decision: "ask", escalation: { backup: ["U1AB"] } }],
      }),
    ).toThrow(/backupAfter and backup go together/);
    expect(() =>
      policyOf({
        rules: [
          {
            id: "b",
            match: {},
            decision: "ask",
            escalation: { backupAfter: "5m", backup: ["bob"] },
          },
        ],
      }),
    ).toThrow(/a Slack user id/);
    expect(() =>
      policyOf({
        rules: [{ id: "a", match: {}, decision: "allow", escalation: { remindAfter: "5m" } }],
      }),
    ).toThrow(/only a rule that asks has anyone to escalate to/);
    // Parked requests keep reminding after their deadline: a late step is fine there.
    expect(() =>
      policyOf({
        defaults: { timeout: "10m", expiry: "park" },
        rules: [{ id: "late", match: {}, decision: "ask", escalation: { remindAfter: "15m" } }],
      }),
    ).not.toThrow();
  });
});

describe("a rule that asks less, placed first for some window", () => {
  const policy = policyOf({
    rules: [
      {
        id: "newline-in-editors",
        match: { actions: ["key"], keys: ["Return"], window: { class: "Notes" } },
        decision: "ask",
        risk: "medium",
      },
      {
        id: "enter-after-typing",
        match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
        decision: "ask",
        risk: "high",
      },
      { id: "rest", match: {}, decision: "ask" },
    ],
  });
  const editor: DesktopWindow = {
    id: "33",
    title: "notes.md",
    className: "Notes",
    rect: [0, 0, 1280, 800],
  };
  const typed = { line: "first line", lineUnknown: false, lastChange: "type" as const };

  it("applies in that window, and only there", () => {
    const inEditor = desk({
      ...typed,
      windows: [editor],
      window: { id: "33", title: "notes.md", className: "Notes" },
    });
    expect(authorizeAction({ action: "key", text: "Return" }, inEditor, policy)).toMatchObject({
      ruleId: "newline-in-editors",
      risk: "medium",
    });
    expect(authorizeAction({ action: "key", text: "Return" }, desk(typed), policy)).toMatchObject({
      ruleId: "enter-after-typing",
      risk: "high",
    });
  });

  it("does not lower the risk where the window cannot be told: the stricter possibility holds", () => {
    const unknown = desk({ ...typed, windows: undefined, window: undefined });
    expect(authorizeAction({ action: "key", text: "Return" }, unknown, policy)).toMatchObject({
      kind: "ask",
      risk: "high",
    });
  });
});
