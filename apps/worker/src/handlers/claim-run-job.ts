import type { ApprovalBackend, DesktopLease } from "@deskgate/approvals";
import { jobCatalog, parseOrThrow } from "@deskgate/contracts";
import { enqueue, type Job, parkJob } from "@deskgate/queue";

/**
 * Takes a run from the shared `runs` queue onto this desktop's own queue, so every later
 * resumption of it happens here (a promoted job in a shared queue could be picked up by
 * another desktop). The shared consumer is paused while this desktop is busy, so a claim
 * that loses the race for the lease is rare; it then retries shortly.
 */
export function createClaimRunProcessor(deps: {
  backend: ApprovalBackend;
  desktop: string;
  lease: DesktopLease;
  onLeaseChange?: (held: boolean) => void;
}) {
  return async (job: Job, token: string | undefined): Promise<string> => {
    const request = parseOrThrow(jobCatalog["agent.run"], job.data, "agent.run payload");
    if (!(await deps.lease.acquire(request.runId))) return parkJob(job, token, Date.now() + 2_000);
    deps.onLeaseChange?.(true);
    await enqueue(deps.backend.queues.runs(deps.desktop), "agent.run", request, {
      jobId: request.runId,
    });
    await deps.backend.registry.update(request.runId, { desktop: deps.desktop });
    return `claimed by ${deps.desktop}`;
  };
}
