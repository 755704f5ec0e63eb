import {
  type ComputerAction,
  type DesktopInputState,
  maxPlanSteps,
  maxPlanTypedCharacters,
  type PlanStep,
} from "@deskgate/contracts";
import { planEffects, windowAt } from "@deskgate/effects";
import type { Authorization } from "@deskgate/policy";
import { coverableByOnePerson } from "./coverage.ts";

/** Effect kinds that press a pointer button, and so give the window under them the focus. */
const pressKinds = new Set([
  "left_click",
  "double_click",
  "triple_click",
  "right_click",
  "middle_click",
  "left_mouse_down",
  "left_click_drag",
]);

/**
 * The desktop's input state an action is expected to leave: its effects applied, and the
 * focus on the window its last pointer press lands on (click to focus), unknown when the
 * desktop cannot say which window that is. Pure.
 */
export function expectedInputAfter(
  action: ComputerAction,
  input: DesktopInputState,
): DesktopInputState {
  const { effects, after } = planEffects(action, input);
  const press = effects.filter((effect) => pressKinds.has(effect.kind) && effect.points).at(-1);
  const point = press?.points?.at(0);
  if (!point) return after;
  const { window: _focused, ...rest } = after;
  const landed = windowAt(input, point);
  return landed
    ? { ...rest, window: { id: landed.id, title: landed.title, className: landed.className } }
    : rest;
}

function typedLength(action: ComputerAction, input: DesktopInputState): number {
  return planEffects(action, input).effects.reduce(
    (total, effect) => total + Array.from(effect.text ?? "").length,
    0,
  );
}

export interface PlannedStep extends PlanStep {
  authorization: Authorization;
}

/**
 * The plan one card may cover: the proposed action, then the actions the model proposed
 * after it in the same turn, each judged by the policy against the input state the steps
 * before it are expected to leave. It stops before the first step a single person's
 * approval may not cover (a deny, high risk, more than one approver) — that one gets a
 * card of its own. Undefined when fewer than two steps need asking: a plan card would
 * save no decision. Pure.
 */
export function buildPlan(
  first: PlannedStep,
  following: ReadonlyArray<{ step: number; action: ComputerAction }>,
  authorize: (action: ComputerAction, input: DesktopInputState) => Authorization,
): PlannedStep[] | undefined {
  if (!coverableByOnePerson(first.authorization)) return undefined;
  if (typedLength(first.action, first.input) > maxPlanTypedCharacters) return undefined;
  const steps: PlannedStep[] = [first];
  let input = first.input;
  let previous = first.action;
  for (const next of following) {
    if (steps.length >= maxPlanSteps || next.step !== steps.at(-1)!.step + 1) break;
    input = expectedInputAfter(previous, input);
    if (typedLength(next.action, input) > maxPlanTypedCharacters) break;
    const authorization = authorize(next.action, input);
    const fits = authorization.kind === "allow" || coverableByOnePerson(authorization);
    if (!fits || authorization.kind === "deny") break;
    steps.push({
      step: next.step,
      action: next.action,
      input,
      authorization,
      risk: authorization.risk,
    });
    previous = next.action;
  }
  return trimPlan(steps);
}

/**
 * A plan as a card shows it: steps the policy allows anyway add nothing at its end, and
 * fewer than two asked steps are no plan (a card of its own saves nothing). Pure.
 */
export function trimPlan(planned: readonly PlannedStep[]): PlannedStep[] | undefined {
  const steps = [...planned];
  while (steps.length > 1 && steps.at(-1)!.authorization.kind === "allow") steps.pop();
  const asking = steps.filter((step) => step.authorization.kind === "ask").length;
  return asking >= 2 ? steps : undefined;
}
