import {
  type ComputerAction,
  type Coordinate,
  computerActionNames,
  computerActionSchema,
  formatIssues,
} from "@deskgate/contracts";
import type { ScreenSize } from "./computer.ts";
import { parseKeySequence } from "./key-names.ts";

export type ActionValidation =
  | { ok: true; action: ComputerAction }
  | { ok: false; message: string };

// Control characters other than tab and newline could drive a terminal in ways an
// approver cannot see on the card.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const forbiddenControl = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * The model's tool input → an action that is safe to show and to actuate: schema-valid,
 * every coordinate inside the model's screen, every key name known. Messages are written
 * for the model, which gets them back as an error tool_result.
 */
export function validateAction(input: unknown, screen: ScreenSize): ActionValidation {
  const name =
    typeof input === "object" && input !== null
      ? (input as { action?: unknown }).action
      : undefined;
  if (typeof name !== "string" || !(computerActionNames as readonly string[]).includes(name)) {
    return {
      ok: false,
      message: `${typeof name === "string" ? `unknown action '${name}'` : "missing action"}; valid actions: ${computerActionNames.join(", ")}`,
    };
  }
  const parsed = computerActionSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, message: `invalid ${name} input: ${formatIssues(parsed.error)}` };
  const action = parsed.data;
  const problem = coordinateProblem(action, screen) ?? textProblem(action);
  return problem ? { ok: false, message: problem } : { ok: true, action };
}

function coordinateProblem(action: ComputerAction, screen: ScreenSize): string | undefined {
  const points: Array<[string, Coordinate]> = [];
  if ("coordinate" in action && action.coordinate) points.push(["coordinate", action.coordinate]);
  if (action.action === "left_click_drag")
    points.push(["start_coordinate", action.start_coordinate]);
  if (action.action === "zoom") {
    points.push(["region start", [action.region[0], action.region[1]]]);
    points.push(["region end", [action.region[2] - 1, action.region[3] - 1]]);
  }
  for (const [field, [x, y]] of points) {
    if (x >= screen.width || y >= screen.height) {
      return `${field} [${x}, ${y}] is outside the ${screen.width}×${screen.height} screen (x < ${screen.width}, y < ${screen.height})`;
    }
  }
  return undefined;
}

function textProblem(action: ComputerAction): string | undefined {
  switch (action.action) {
    case "type":
      return forbiddenControl.test(action.text)
        ? "text to type contains control characters; only tab and newline are allowed"
        : undefined;
    case "key":
    case "hold_key": {
      const parsed = parseKeySequence(action.text);
      return parsed.ok
        ? undefined
        : `${parsed.message}; use xdotool key names such as ctrl+s, Return, alt+Tab`;
    }
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click":
    case "scroll": {
      if (action.text === undefined) return undefined;
      const parsed = parseKeySequence(action.text);
      return parsed.ok ? undefined : `held keys: ${parsed.message}`;
    }
    default:
      return undefined;
  }
}
