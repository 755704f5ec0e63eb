import { isDeepStrictEqual } from "node:util";
import type { AuditEvent } from "@deskgate/audit";
import { type ComputerAction, computerActionSchema } from "@deskgate/contracts";
import type { DecisionAuditEvent } from "./decision-audit-event.ts";

/**
 * Where what ran differs from the script: step n of the run must be the script's n-th
 * action (as the product reads it: parsed with the action schema), run once and without
 * error, and nothing else may run. Empty when they match. `whyNotRun` says what the trail
 * records of a step that never ran (see `stopReasons`).
 */
export function executedVersusScript(
  events: readonly DecisionAuditEvent[],
  scripted: readonly ComputerAction[],
  whyNotRun: (step: number) => string | undefined = () => undefined,
): string[] {
  const executed = events.filter((event) => event.type === "action.executed");
  const problems: string[] = [];
  for (const [index, action] of scripted.entries()) {
    const step = index + 1;
    const runs = executed.filter((event) => event.step === step);
    const wanted = computerActionSchema.parse(action);
    if (runs.length === 0) {
      const why = whyNotRun(step);
      problems.push(`step ${step} (${action.action}) never ran${why ? `: ${why}` : ""}`);
    } else if (runs.length > 1) problems.push(`step ${step} ran ${runs.length} times`);
    else if (!isDeepStrictEqual(runs[0]!.action, wanted))
      problems.push(
        `step ${step} ran ${JSON.stringify(runs[0]!.action)}, the script says ${JSON.stringify(wanted)}`,
      );
    else if (!runs[0]!.ok) problems.push(`step ${step} (${action.action}) failed`);
  }
  const extra = executed.filter((event) => event.step > scripted.length).map((event) => event.step);
  if (extra.length > 0) problems.push(`steps the script does not have ran: ${extra.join(", ")}`);
  return problems;
}

/**
 * What the audit trail says stopped each step: refused by a rule, invalid, a changed
 * screen, or asked again; by step, for `executedVersusScript`.
 */
export function stopReasons(trail: readonly AuditEvent[]): (step: number) => string | undefined {
  const reasons = new Map<number, string>();
  for (const event of trail) {
    const detail = stopReason(event);
    if (detail) reasons.set(detail.step, detail.why);
  }
  return (step) => reasons.get(step);
}

function stopReason(event: AuditEvent): { step: number; why: string } | undefined {
  switch (event.type) {
    case "action.denied_by_policy":
      return { step: event.step, why: `refused by rule ${event.ruleId} (${event.reason})` };
    case "action.rejected_invalid":
      return { step: event.step, why: `invalid (${event.message})` };
    case "action.blocked_screen_changed":
      return {
        step: event.step,
        why: `the screen changed (${event.difference} ${event.where ?? ""})`,
      };
    case "action.reauthorization_required":
      return { step: event.step, why: `asked again under ${event.ruleId}` };
    default:
      return undefined;
  }
}
