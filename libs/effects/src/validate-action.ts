import {
  type ComputerAction,
  type Coordinate,
  computerActionNames,
  computerActionSchema,
  formatIssues,
} from "@deskgate/contracts";
import { parseHeldKeys, parseKeySequence } from "./key-combo.ts";

/** A screen's size in the model's pixels. */
export interface ScreenSize {
  width: number;
  height: number;
}

export type ActionValidation =
  | { ok: true; action: ComputerAction }
  | { ok: false; message: string };

// C0 controls other than tab and newline, DEL and the C1 controls could drive a terminal
// in ways an approver cannot see on the card (ESC sequences, ETX, a bare CR).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const forbiddenControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

// Characters that type or show something other than what they look like: line and
// paragraph separators (a line break to some programs), format characters (bidi overrides
// that reverse what the card shows, invisible ones), private-use characters (the effect
// model's own markers for text it cannot see, `typed-line.ts`) and unassigned code
// points. Zero-width (non-)joiners stay allowed: emoji and several scripts need them.
// https://www.unicode.org/reports/tr44/#General_Category_Values
const forbiddenCharacter = /(?![\u200c\u200d])[\p{Zl}\p{Zp}\p{Cf}\p{Co}\p{Cn}]/u;

/**
 * Any proposed or edited action → an action that is safe to show, to judge and to
 * actuate: schema-valid, every coordinate inside the screen (refused, never clamped),
 * every key name known, no control characters but tab and newline, well-formed Unicode
 * (a lone UTF-16 surrogate cannot be stored, shown or typed). Every path that leads to
 * actuation uses this one check: the model's proposal, an approver's edit, a plan.
 * Messages are written for whoever proposed it (the model gets them as a tool error; an
 * approver sees them in the edit form).
 */
export function validateAction(input: unknown, screen: ScreenSize): ActionValidation {
  const name =
    typeof input === "object" && input !== null
      ? (input as { action?: unknown }).action
      : undefined;
  if (typeof name !== "string" || !(computerActionNames as readonly string[]).includes(name)) {
    const what = typeof name === "string" ? `unknown action '${name}'` : "missing action";
    return { ok: false, message: `${what}; valid actions: ${computerActionNames.join(", ")}` };
  }
  const parsed = computerActionSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, message: `invalid ${name} input: ${formatIssues(parsed.error)}` };
  const action = parsed.data;
  const problem = coordinateProblem(action, screen) ?? textProblem(action);
  return problem ? { ok: false, message: problem } : { ok: true, action };
}

/** Every coordinate an action names, with the field it came from. */
export function coordinatesOf(action: ComputerAction): Array<[string, Coordinate]> {
  const points: Array<[string, Coordinate]> = [];
  if ("coordinate" in action && action.coordinate) points.push(["coordinate", action.coordinate]);
  if (action.action === "left_click_drag")
    points.push(["start_coordinate", action.start_coordinate]);
  if (action.action === "zoom") {
    const [x0, y0, x1, y1] = action.region;
    points.push(["region start", [x0, y0]], ["region end", [x1 - 1, y1 - 1]]);
  }
  return points;
}

function coordinateProblem(action: ComputerAction, screen: ScreenSize): string | undefined {
  for (const [field, [x, y]] of coordinatesOf(action)) {
    if (x >= screen.width || y >= screen.height) {
      return `${field} [${x}, ${y}] is outside the ${screen.width}×${screen.height} screen (x < ${screen.width}, y < ${screen.height})`;
    }
  }
  return undefined;
}

function textProblem(action: ComputerAction): string | undefined {
  if (!("text" in action) || action.text === undefined) return undefined;
  if (!action.text.isWellFormed())
    return "text is not well-formed Unicode (it holds a lone UTF-16 surrogate)";
  switch (action.action) {
    case "type": {
      if (forbiddenControl.test(action.text))
        return "text to type contains control characters; only tab and newline are allowed";
      const odd = forbiddenCharacter.exec(action.text)?.[0];
      return odd
        ? `text to type contains the character U+${odd.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} (a separator, format, private-use or unassigned character), which is not typed as it is shown`
        : undefined;
    }
    case "key": {
      const parsed = parseKeySequence(action.text);
      return parsed.ok
        ? undefined
        : `${parsed.message}; use xdotool key names such as ctrl+s, Return, alt+Tab`;
    }
    case "hold_key": {
      const parsed = parseHeldKeys(action.text);
      return parsed.ok
        ? undefined
        : `${parsed.message}; use xdotool key names such as ctrl+s, Return, alt+Tab`;
    }
    default: {
      const parsed = parseHeldKeys(action.text);
      return parsed.ok ? undefined : `held keys: ${parsed.message}`;
    }
  }
}
