import { isDeepStrictEqual } from "node:util";
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
 * What the audit trail (libs/audit `auditEventSchema`) says stopped each step: refused by a
 * rule, invalid, a changed screen, or asked again; by step, for `executedVersusScript`.
 */
export function stopReasons(trail: readonly unknown[]): (step: number) => string | undefined {
  const reasons = new Map<number, string>();
  for (const raw of trail) {
    const event = raw as { type?: string; step?: number; [key: string]: unknown };
    if (typeof event.step !== "number") continue;
    const detail =
      event.type === "action.denied_by_policy"
        ? `refused by rule ${String(event.ruleId)} (${String(event.reason)})`
        : event.type === "action.rejected_invalid"
          ? `invalid (${String(event.message)})`
          : event.type === "action.blocked_screen_changed"
            ? `the screen changed (${String(event.difference)} ${String(event.where ?? "")})`
            : event.type === "action.reauthorization_required"
              ? `asked again under ${String(event.ruleId)}`
              : undefined;
    if (detail) reasons.set(event.step, detail);
  }
  return (step) => reasons.get(step);
}
