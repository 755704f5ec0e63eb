import { approveEach } from "./approve-each.ts";
import type { ApproverStrategy } from "./approver-strategy.ts";
import { carefulApprover } from "./careful-approver.ts";

/**
 * How people answer cards. `approveEach`: one tap on Approve per card. `careful`: plan
 * cards, hold-backs and grants, as a careful person uses them (see carefulApprover).
 */
export const approverStrategies = {
  approveEach,
  careful: carefulApprover,
} as const satisfies Record<string, ApproverStrategy>;

/** A policy (the worker's and the bot's POLICY_FILE) and how its approvers answer. */
export interface BenchConfiguration {
  name: string;
  /** From the repository root; undefined runs the default policy (plan cards on). */
  policyFile: string | undefined;
  strategy: ApproverStrategy;
}

/** The configuration every other one is compared with. */
export const baselineConfiguration = "baseline";

/** Run side by side, in this order; a new policy with its strategy is one more row. */
export const benchConfigurations: readonly BenchConfiguration[] = [
  {
    name: baselineConfiguration,
    policyFile: "bench/support/decision-tasks/one-card-per-action.yaml",
    strategy: approverStrategies.approveEach,
  },
  {
    name: "careful",
    policyFile: "infra/policy/example-policy.yaml",
    strategy: approverStrategies.careful,
  },
];

/** The people allowed to approve (SLACK_APPROVERS), in the order a strategy asks them. */
export const benchApprovers = ["U0BOB", "U0CAROL"] as const;
