import {
  type ComputerAction,
  type Coordinate,
  computerActionNames,
  computerActionSchema,
  formatIssues,
} from "@deskgate/contracts";
import type { ScreenSize } from "@deskgate/desktop";

export type ToolInputValidation =
  | { ok: true; action: ComputerAction }
  | { ok: false; message: string };

/** The loop's validation hook; the worker passes `validateAction` from @deskgate/desktop. */
export type ValidateToolInput = (input: unknown, screen: ScreenSize) => ToolInputValidation;

/**
 * The default check of the model's tool input: the shared action schema plus every
 * coordinate inside the model's screen. Messages are written for the model, which gets
 * them back as an error tool_result.
 */
export const validateToolInput: ValidateToolInput = (input, screen) => {
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
  const outside = pointsOf(parsed.data).find(
    ([, [x, y]]) => x >= screen.width || y >= screen.height,
  );
  if (outside) {
    const [field, [x, y]] = outside;
    return {
      ok: false,
      message: `${field} [${x}, ${y}] is outside the ${screen.width}×${screen.height} screen`,
    };
  }
  return { ok: true, action: parsed.data };
};

function pointsOf(action: ComputerAction): Array<[string, Coordinate]> {
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
