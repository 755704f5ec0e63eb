import { isDeepStrictEqual } from "node:util";
import { type ComputerAction, computerActionSchema } from "@deskgate/contracts";
import type { DecisionAuditEvent } from "./decision-audit-event.ts";

/**
 * Where what ran differs from the script: step n of the run must be the script's n-th
 * action (as the product reads it: parsed with the action schema), run once and without
 * error, and nothing else may run. Empty when they match.
 */
export function executedVersusScript(
  events: readonly DecisionAuditEvent[],
  scripted: readonly ComputerAction[],
): string[] {
  const executed = events.filter((event) => event.type === "action.executed");
  const problems: string[] = [];
  for (const [index, action] of scripted.entries()) {
    const step = index + 1;
    const runs = executed.filter((event) => event.step === step);
    const wanted = computerActionSchema.parse(action);
    if (runs.length === 0) problems.push(`step ${step} (${action.action}) never ran`);
    else if (runs.length > 1) problems.push(`step ${step} ran ${runs.length} times`);
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
