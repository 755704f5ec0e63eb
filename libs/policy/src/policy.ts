import type { ComputerActionName, ExpiryMode } from "@deskgate/contracts";

export type PolicyMode = "enforce" | "shadow";
export type RuleDecision = "allow" | "deny" | "ask";

/** [x0, y0, x1, y1] in the model's screen space, edges included. */
export type Region = readonly [number, number, number, number];

/** How a human is asked: used by `ask` rules, and by `deny` rules in shadow mode. */
export interface AskSettings {
  readonly requiredApprovals: number;
  readonly timeoutMs: number;
  readonly expiryMode: ExpiryMode;
  readonly renotifyEveryMs: number;
}

/** A rule's conditions, compiled once at load time. Every condition present must hold. */
export interface PolicyMatch {
  readonly actions?: ReadonlySet<ComputerActionName>;
  readonly textMatches?: RegExp;
  /** Normalised key combos ("ctrl+shift+t"), see `normalizeKeyCombo`. */
  readonly keys?: ReadonlySet<string>;
  readonly region?: Region;
  readonly afterAction?: ReadonlySet<ComputerActionName>;
  readonly desktops?: ReadonlySet<string>;
}

export interface PolicyRule extends AskSettings {
  readonly id: string;
  readonly match: PolicyMatch;
  readonly decision: RuleDecision;
  /** Why a `deny` rule denies; told to the model and shown in the run's thread. */
  readonly reason: string;
}

/** A loaded, validated policy. Build it with `parsePolicy`, `loadPolicyFile` or `defaultPolicy`. */
export interface Policy {
  readonly mode: PolicyMode;
  /** Ask settings for rules that set none, and for actions no rule matches. */
  readonly defaults: AskSettings;
  /** First matching rule wins. */
  readonly rules: readonly PolicyRule[];
}

export type PolicyDecision =
  | { kind: "allow"; ruleId: string }
  | { kind: "deny"; ruleId: string; reason: string }
  | {
      kind: "ask";
      ruleId: string;
      requiredApprovals: number;
      timeoutMs: number;
      expiryMode: ExpiryMode;
      renotifyEveryMs: number;
      /** Shadow mode: the deny rule that would have applied, for the audit trail. */
      shadowDenied?: { ruleId: string; reason: string };
    };

export interface PolicyContext {
  desktop: string;
  /** The name of the run's previous executed action, if any. */
  previousAction?: ComputerActionName | undefined;
}

export interface PolicyOptions {
  /** The service's approval timeout: the default when the policy sets none. */
  approvalTimeoutMs: number;
}

/** Used when neither the rule nor the policy's defaults say how often to remind. */
export const defaultRenotifyEveryMs = 10 * 60 * 1000;
export const defaultRuleId = "default";
