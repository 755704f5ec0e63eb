import { hashTag } from "@deskgate/redis";

/**
 * The keys of one run: `dg:run:{<runId>}:<parts>`. Everything of a run carries the run's
 * hash tag, so a Lua script or MULTI over a run's keys (and its approvals', below) stays in
 * one Redis Cluster slot. New per-run keys are built with this.
 */
export function runKey(runId: string, ...parts: Array<string | number>): string {
  return [`dg:run:${hashTag(runId)}`, ...parts].join(":");
}

/** The run an approval belongs to: ids are `apr_<runId>_<step>[_<attempt>]` (approvalIdFor). */
export function runIdOfApproval(approvalId: string): string {
  const match = /^apr_(run_[A-Za-z0-9]+)_\d+(?:_\d+)?$/.exec(approvalId);
  if (!match) throw new RangeError(`not an approval id of a run: ${JSON.stringify(approvalId)}`);
  return match[1]!;
}

/** The keys of one approval: under its run's hash tag. New per-approval keys are built with this. */
export function approvalKey(approvalId: string, ...parts: Array<string | number>): string {
  return [`dg:approval:${hashTag(runIdOfApproval(approvalId))}:${approvalId}`, ...parts].join(":");
}

/** The keys of one desktop, under the desktop's hash tag. */
export function desktopKey(desktop: string, ...parts: string[]): string {
  return [`dg:desktop:${hashTag(desktop)}`, ...parts].join(":");
}

/** Where screenshots live; ScreenshotStore reads nothing outside it. */
export const screenshotKeyPrefix = "dg:screenshot:";

/** Every Redis key the approvals lib writes, in one place. */
export const redisKeys = {
  approval: (approvalId: string) => approvalKey(approvalId),
  /** The approval id a run's step currently waits on (a screen change makes a new one). */
  stepApproval: (runId: string, step: number) => runKey(runId, "step", step, "approval"),
  run: (runId: string) => runKey(runId),
  /**
   * Run ids by request time, for `/agent list`. A key of its own (its own slot): written
   * before the run record, not with it, so no command spans two slots.
   */
  runIndex: "dg:runs",
  cancel: (runId: string) => runKey(runId, "cancel"),
  /** An open trust window: JSON {until (ms), by (actor)}, expiring with the window. */
  trustWindow: (runId: string) => runKey(runId, "trust-window"),
  checkpoint: (runId: string) => runKey(runId, "checkpoint"),
  /** The run's own active grants: hash grant id → JSON (`GrantStore`). */
  runGrants: (runId: string) => runKey(runId, "grants"),
  /** Grants for every run on a desktop: hash grant id → JSON. */
  desktopGrants: (desktop: string) => desktopKey(desktop, "grants"),
  /** One grant by id, for revoking it from its thread message; expires with the grant. */
  grant: (grantId: string) => `dg:grant:${hashTag(grantId)}`,
  /** The plan approved for a run whose later steps are still to run (`ActivePlan`). */
  activePlan: (runId: string) => runKey(runId, "active-plan"),
  announced: (runId: string, what: string) => runKey(runId, "announced", what),
  lease: (desktop: string) => desktopKey(desktop, "lease"),
  leaseWaiters: (desktop: string) => desktopKey(desktop, "waiting"),
  /** The input state of a desktop (pointer, held button, typed line, last change). */
  inputState: (desktop: string) => desktopKey(desktop, "input-state"),
  /** The policy a desktop's worker enforces, as written (the bot checks edits against it). */
  desktopPolicy: (desktop: string) => desktopKey(desktop, "policy"),
  /** What the screen-change check compares with, kept as long as the request can be decided. */
  screenBaseline: (approvalId: string) =>
    `dg:screen-baseline:${hashTag(runIdOfApproval(approvalId))}:${approvalId}`,
  /** `id` is `<approvalId>-raw` or `<approvalId>-card`: under the approval's run tag. */
  screenshot: (id: string) =>
    `${screenshotKeyPrefix}${hashTag(runIdOfApproval(id.replace(/-(raw|card)$/, "")))}:${id}`,
} as const;
