import type { DesktopInputState, Grant } from "@deskgate/contracts";
import type { Effect } from "@deskgate/effects";
import { type Authorization, windowsReached } from "@deskgate/policy";

/**
 * Whether one person's standing decision — a grant, an approved plan, a trust window — may
 * stand in for a card of its own: only where the policy asks a single approver, rates the
 * action below high risk, and no deny rule would refuse it (shadow mode included). Pure.
 */
export function coverableByOnePerson(authorization: Authorization): boolean {
  return (
    authorization.kind === "ask" &&
    authorization.requiredApprovals === 1 &&
    authorization.shadowDenied === undefined &&
    authorization.risk !== "high"
  );
}

export interface GrantContext {
  runId: string;
  desktop: string;
  now: Date;
  input: DesktopInputState;
  /** Who started the run (undefined when its record is gone). */
  requester?: string | undefined;
}

/**
 * Whether a grant covers an action the policy asks about: the grant is active for this
 * run (or desktop), its maker may approve this run (four-eyes: not one they started), the
 * ask is one a single person may cover, and every effect it asks
 * about is of a granted kind and reaches only the granted window (the window under each
 * pointer press, the focused one for keys) — a window the desktop cannot tell is not the
 * granted one. Pure.
 */
export function grantCovers(
  grant: Grant,
  authorization: Authorization,
  context: GrantContext,
): boolean {
  if (!coverableByOnePerson(authorization)) return false;
  if (grant.scope === "run" ? grant.runId !== context.runId : grant.desktop !== context.desktop)
    return false;
  if (new Date(grant.until).getTime() <= context.now.getTime()) return false;
  // Four-eyes: the maker may not approve their own run's actions, so neither may the grant
  // (a desktop grant outlives the run it was made in); an unknown requester might be them.
  if (grant.fourEyes && (context.requester === undefined || context.requester === grant.by.userId))
    return false;
  return authorization.effects.every(
    (verdict) =>
      verdict.kind === "allow" ||
      (grant.kinds.some((kind) => kind === verdict.effect.kind) &&
        inGrantedWindow(grant, verdict.effect, context.input)),
  );
}

function inGrantedWindow(grant: Grant, effect: Effect, input: DesktopInputState): boolean {
  const granted = grant.window;
  if (!granted) return true;
  return windowsReached(effect, input).every(
    (window) =>
      window !== undefined &&
      window.className === granted.className &&
      (granted.titleContains === undefined || window.title.includes(granted.titleContains)),
  );
}
