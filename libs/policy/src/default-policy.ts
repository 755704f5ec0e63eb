import { parsePolicy } from "./parse-policy.ts";
import type { Policy, PolicyOptions } from "./policy.ts";

/**
 * Used when no rules file is configured: looking is free, anything that touches the
 * desktop needs one approver, and an unanswered request is denied. What runs, submits,
 * closes or deletes — Enter (or a key a program reads as Enter) while typed text may be
 * pending, closing shortcuts, deleting for good — is high risk: a card of its own, which
 * no plan, grant or trust window covers (issue 14's sensible defaults; the same rules as
 * infra/policy/example-policy.yaml).
 */
export function defaultPolicy(options: PolicyOptions): Policy {
  return parsePolicy(
    {
      mode: "enforce",
      defaults: { approvers: 1, expiry: "deny" },
      rules: [
        {
          id: "observe-freely",
          description: "looking at the screen changes nothing",
          match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
          decision: "allow",
        },
        {
          id: "submit-after-typing",
          description: "Enter while typed text may be pending runs a command or submits a form",
          match: { actions: ["key"], keys: ["Return", "KP_Enter"], afterAction: "type" },
          decision: "ask",
          risk: "high",
        },
        {
          id: "closing",
          description: "closing a window or a program may lose unsaved work",
          match: { actions: ["key"], keys: ["alt+F4", "ctrl+w", "ctrl+q"] },
          decision: "ask",
          risk: "high",
        },
        {
          id: "deleting-for-good",
          description: "deleting without the wastebasket",
          match: { actions: ["key"], keys: ["shift+Delete"] },
          decision: "ask",
          risk: "high",
        },
        { id: "everything-else", match: {}, decision: "ask" },
      ],
    },
    options,
  );
}
