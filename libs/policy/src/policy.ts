import type {
  ComputerActionName,
  DesktopRoute,
  Escalation,
  ExpiryMode,
  Risk,
} from "@deskgate/contracts";
import type { DesktopInputState, Effect, KeyCombo } from "@deskgate/effects";

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
  /** How risky what is asked about is (high: a card of its own, always). */
  readonly risk: Risk;
  readonly escalation?: Escalation;
}

/** A rule's conditions, compiled once at load time. Every condition present must hold. */
export interface PolicyMatch {
  readonly actions?: ReadonlySet<ComputerActionName>;
  readonly textMatches?: RegExp;
  /** Key combinations, parsed with the same vocabulary the actuator presses. */
  readonly keys?: readonly KeyCombo[];
  readonly region?: Region;
  readonly afterAction?: ReadonlySet<ComputerActionName>;
  readonly desktops?: ReadonlySet<string>;
  /** The focused window: class (any of, exact) and title. */
  readonly window?: { readonly classes?: ReadonlySet<string>; readonly titleMatches?: RegExp };
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
  /** Whether a model turn's several actions are asked about on one plan card. */
  readonly plans: boolean;
  /** Ask settings for rules that set none, and for effects no rule matches. */
  readonly defaults: AskSettings;
  /** First matching rule wins, effect by effect. */
  readonly rules: readonly PolicyRule[];
  /**
   * The `approvalChannels` routes, one per desktop pattern in file order (first match
   * wins): the Slack channel of runs on those desktops. The bot follows a route only to a
   * channel it serves (apps/bot/src/channels/choose-run-channel.ts).
   */
  readonly approvalChannels: readonly DesktopRoute[];
  /**
   * The rules file's content as written (JSON-safe), so another process (the bot,
   * checking an approver's edit) can compile exactly the same policy.
   */
  readonly source: unknown;
}

/** What one rule (or the defaults) says about one effect. */
export type EffectVerdict =
  | { kind: "allow"; ruleId: string; effect: Effect; risk: Risk }
  | { kind: "deny"; ruleId: string; reason: string; effect: Effect }
  | ({ kind: "ask"; ruleId: string; effect: Effect } & AskSettings);

/**
 * What the policy says about a whole action: deny if any effect is denied; otherwise ask
 * if any effect asks (with the strictest ask: the most approvers; the highest risk of
 * them all); otherwise allow.
 * `effects` holds the verdict on each effect, in order, for the card and the audit.
 */
export type Authorization =
  | { kind: "allow"; ruleId: string; effects: readonly EffectVerdict[]; risk: Risk }
  | { kind: "deny"; ruleId: string; reason: string; effects: readonly EffectVerdict[] }
  | ({
      kind: "ask";
      ruleId: string;
      effects: readonly EffectVerdict[];
      /** Shadow mode: the deny rule that would have applied, for the audit trail. */
      shadowDenied?: { ruleId: string; reason: string };
    } & AskSettings);

export interface PolicyContext {
  desktop: string;
  /** The desktop's input state right before the action (pointer, held button, line). */
  input: DesktopInputState;
}

export interface PolicyOptions {
  /** The service's approval timeout: the default when the policy sets none. */
  approvalTimeoutMs: number;
}

/** Used when neither the rule nor the policy's defaults say how often to remind. */
export const defaultRenotifyEveryMs = 10 * 60 * 1000;
export const defaultRuleId = "default";
