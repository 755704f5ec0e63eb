import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** The policy operators start from (infra/policy/example-policy.yaml), as written. */
export const examplePolicy: unknown = parse(
  readFileSync(new URL("../../infra/policy/example-policy.yaml", import.meta.url), "utf8"),
);

/**
 * Commands need two people: Enter while typed text may be pending asks two approvers;
 * sudo, closing windows, locking and logging out are refused; the top panel is off limits
 * on prod; staging parks. What the attacks on the gate are written against.
 */
export const commandsNeedTwo = {
  defaults: { timeout: "30m", expiry: "deny", renotifyEvery: "10m", approvers: 1 },
  rules: [
    {
      id: "observe-freely",
      match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
      decision: "allow",
    },
    {
      id: "no-sudo",
      match: { actions: ["type", "key"], textMatches: "\\bsudo\\b" },
      decision: "deny",
      reason: "sudo is not allowed on this desktop",
    },
    {
      id: "terminal-commands-need-two",
      match: { actions: ["key"], keys: ["Return", "KP_Enter"], afterAction: "type" },
      decision: "ask",
      approvers: 2,
      timeout: "15m",
    },
    {
      id: "no-close-or-logout",
      match: { actions: ["key"], keys: ["alt+F4", "ctrl+alt+Delete", "super+l"] },
      decision: "deny",
      reason: "closing windows and logging out are not allowed",
    },
    {
      id: "prod-top-panel",
      match: { desktops: ["prod"], region: [0, 0, 1279, 30] },
      decision: "deny",
      reason: "the top panel is off limits on prod",
    },
    {
      id: "staging-waits",
      match: { desktops: ["staging"] },
      decision: "ask",
      expiry: "park",
      renotifyEvery: "1h",
    },
    { id: "everything-else", match: {}, decision: "ask" },
  ],
};

/** Typing needs two approvers; everything else one. */
export const typingNeedsTwo = {
  rules: [
    { id: "typing-needs-two", match: { actions: ["type"] }, decision: "ask", approvers: 2 },
    { id: "rest", match: {}, decision: "ask" },
  ],
};
