import { parsePolicy } from "./parse-policy.ts";
import type { Policy, PolicyOptions } from "./policy.ts";

/**
 * Used when no rules file is configured: looking is free, anything that touches the
 * desktop needs one approver, and an unanswered request is denied.
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
        { id: "everything-else", match: {}, decision: "ask" },
      ],
    },
    options,
  );
}
