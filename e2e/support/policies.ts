import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** The policy operators start from (infra/policy/example-policy.yaml), as written. */
export const examplePolicy: unknown = parse(
  readFileSync(new URL("../../infra/policy/example-policy.yaml", import.meta.url), "utf8"),
);

/** Typing needs two approvers; everything else one. */
export const typingNeedsTwo = {
  rules: [
    { id: "typing-needs-two", match: { actions: ["type"] }, decision: "ask", approvers: 2 },
    { id: "rest", match: {}, decision: "ask" },
  ],
};
