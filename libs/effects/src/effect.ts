import type { ComputerActionName, Coordinate } from "@deskgate/contracts";
import type { KeyCombo } from "./key-combo.ts";

/**
 * One thing an action does to the desktop, as the policy judges it and the card shows it.
 * An action is a list of these: `type "ls\n"` is characters typed, then Enter pressed.
 */
export interface Effect {
  /**
   * What the effect is, named as the action that does only that: "type" for characters
   * typed (whatever produced them), "key" for a shortcut, Enter or Tab, "left_click_drag"
   * for a pointer moved with the button held, "hold_key" for modifiers held alone, the
   * look-only actions by their own name. A rule's `actions` list matches this.
   */
  readonly kind: ComputerActionName;
  /** The action that produces it. */
  readonly source: ComputerActionName;
  /** The key combination pressed (key and typed-by-key effects). */
  readonly combo?: KeyCombo;
  /** How often `combo` is pressed: a key's `repeat`, or key repeat while held. */
  readonly presses?: number;
  /** The characters this effect types ("\n" for Enter, "\t" for Tab). */
  readonly text?: string;
  /**
   * The focused field's line as this effect leaves it (before an Enter clears it): what
   * `textMatches` reads, with markers where text may be that nobody saw (`typed-line.ts`).
   * Undefined for effects that neither type nor submit.
   */
  readonly line?: string;
  /** Where a pointer effect acts, model coordinates (a drag: from, to). */
  readonly points?: readonly Coordinate[];
  /** Keys held down during a pointer effect. */
  readonly held?: KeyCombo;
  /** Seconds a key is held (hold_key). */
  readonly seconds?: number;
  /** The kind of the desktop-changing input before this one (`afterAction`). */
  readonly after?: ComputerActionName;
  /**
   * Typed text was pending in the focused field when this effect happened (typed since the
   * last Enter or pointer press). `afterAction: type` reads this too, so a shortcut or an
   * arrow key between typing and Enter does not hide that Enter submits typed text.
   */
  readonly typedBefore: boolean;
  /** False for look-only effects and plain pointer moves. */
  readonly changesDesktop: boolean;
  /** The pointer position was not given and is not known: the effect's place is unknown. */
  readonly unknownPoint?: true;
  /**
   * The effect submits what was typed ("surely": Enter, ctrl+m, ctrl+j, ctrl+o, alt+#) or
   * may ("maybe": any key not known not to, a paste). Rules on Return match both.
   */
  readonly submits?: "surely" | "maybe";
  /** Pressed right after a bare Escape: `combo` is judged with Alt held (Meta prefix). */
  readonly afterEscape?: true;
}
