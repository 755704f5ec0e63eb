/** Every Redis key the approvals lib writes, in one place. */
export const redisKeys = {
  approval: (approvalId: string) => `dg:approval:${approvalId}`,
  /** The approval id a run's step currently waits on (a screen change makes a new one). */
  stepApproval: (runId: string, step: number) => `dg:run:${runId}:step:${step}:approval`,
  run: (runId: string) => `dg:run:${runId}`,
  runIndex: "dg:runs",
  cancel: (runId: string) => `dg:run:${runId}:cancel`,
  /** An open trust window: JSON {until (ms), by (actor)}, expiring with the window. */
  trustWindow: (runId: string) => `dg:run:${runId}:trust-window`,
  /** The input state of a desktop (pointer, held button, typed line, last change). */
  inputState: (desktop: string) => `dg:desktop:${desktop}:input-state`,
  /** The policy a desktop's worker enforces, as written (the bot checks edits against it). */
  desktopPolicy: (desktop: string) => `dg:desktop:${desktop}:policy`,
  /** What the screen-change check compares with, kept as long as the request can be decided. */
  screenBaseline: (approvalId: string) => `dg:screen-baseline:${approvalId}`,
  checkpoint: (runId: string) => `dg:run:${runId}:checkpoint`,
  announced: (runId: string, what: string) => `dg:run:${runId}:announced:${what}`,
  lease: (desktop: string) => `dg:desktop:${desktop}:lease`,
  leaseWaiters: (desktop: string) => `dg:desktop:${desktop}:waiting`,
  screenshot: (id: string) => `dg:screenshot:${id}`,
} as const;
