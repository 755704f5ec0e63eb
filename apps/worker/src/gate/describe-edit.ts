import type { Actor, ComputerAction } from "@deskgate/contracts";

/** What the model is told when a reviewer changed its action, so its picture stays true. */
export function describeEdit(
  proposed: ComputerAction,
  executed: ComputerAction,
  approvers: readonly Actor[],
): string {
  const who = approvers.map((a) => a.name ?? a.userId).join(" and ");
  return (
    `A reviewer (${who}) changed this action before it ran. You proposed ${JSON.stringify(proposed)}; ` +
    `what actually ran was ${JSON.stringify(executed)}.`
  );
}

export function describeDenial(reason: string | undefined, by: Actor): string {
  const who = by.name ?? by.userId;
  return reason ? `${reason} (denied by ${who})` : `denied by ${who}, no reason given`;
}
