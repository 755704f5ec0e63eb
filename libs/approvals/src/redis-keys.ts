/** Every Redis key the approvals lib writes, in one place. */
export const redisKeys = {
  approval: (approvalId: string) => `dg:approval:${approvalId}`,
  /** The approval id a run's step currently waits on (a screen change makes a new one). */
  stepApproval: (runId: string, step: number) => `dg:run:${runId}:step:${step}:approval`,
  run: (runId: string) => `dg:run:${runId}`,
  runIndex: "dg:runs",
  cancel: (runId: string) => `dg:run:${runId}:cancel`,
  trustUntil: (runId: string) => `dg:run:${runId}:trust-until`,
  lastAction: (runId: string) => `dg:run:${runId}:last-action`,
  checkpoint: (runId: string) => `dg:run:${runId}:checkpoint`,
  announced: (runId: string, what: string) => `dg:run:${runId}:announced:${what}`,
  lease: (desktop: string) => `dg:desktop:${desktop}:lease`,
  leaseWaiters: (desktop: string) => `dg:desktop:${desktop}:waiting`,
  screenshot: (id: string) => `dg:screenshot:${id}`,
} as const;
