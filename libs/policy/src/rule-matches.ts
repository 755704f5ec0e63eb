import type { ComputerAction } from "@deskgate/contracts";
import { keyCombosOf } from "./normalize-key-combo.ts";
import type { PolicyContext, PolicyRule, Region } from "./policy.ts";

/** True when every condition the rule sets holds for this action. */
export function ruleMatches(
  rule: PolicyRule,
  action: ComputerAction,
  context: PolicyContext,
): boolean {
  const { match } = rule;
  if (match.actions && !match.actions.has(action.action)) return false;
  if (match.desktops && !match.desktops.has(context.desktop)) return false;
  if (match.afterAction) {
    if (context.previousAction === undefined || !match.afterAction.has(context.previousAction))
      return false;
  }
  if (match.textMatches) {
    const text = typedText(action);
    if (text === undefined || !match.textMatches.test(text)) return false;
  }
  if (match.keys) {
    const text = keyText(action);
    if (text === undefined || !keyCombosOf(text).some((combo) => match.keys?.has(combo)))
      return false;
  }
  if (match.region && !coordinatesInRegion(action, match.region, rule.decision === "allow"))
    return false;
  return true;
}

/** The text `textMatches` looks at: what is typed or pressed. */
function typedText(action: ComputerAction): string | undefined {
  switch (action.action) {
    case "type":
    case "key":
    case "hold_key":
      return action.text;
    default:
      return undefined;
  }
}

/** Key combos: pressed (`key`, `hold_key`) or held during a click or scroll. */
function keyText(action: ComputerAction): string | undefined {
  if (action.action === "type" || !("text" in action)) return undefined;
  return action.text;
}

function coordinatesOf(action: ComputerAction): ReadonlyArray<readonly [number, number]> {
  if (action.action === "left_click_drag") return [action.start_coordinate, action.coordinate];
  if ("coordinate" in action && action.coordinate) return [action.coordinate];
  return [];
}

/**
 * An `allow` rule needs every coordinate inside (a drag that leaves the region is not
 * allowed by it); `ask`/`deny` rules need any (a drag into a forbidden region is caught).
 * An action without coordinates (a click at the current pointer) never matches a region:
 * the policy cannot know where the pointer is.
 */
function coordinatesInRegion(action: ComputerAction, region: Region, requireAll: boolean): boolean {
  const points = coordinatesOf(action);
  if (points.length === 0) return false;
  const [x0, y0, x1, y1] = region;
  const inside = ([x, y]: readonly [number, number]) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  return requireAll ? points.every(inside) : points.some(inside);
}
