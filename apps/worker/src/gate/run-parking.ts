import type { ApprovalBackend } from "@deskgate/approvals";
import { holdsJobLock, type Job, JobLockLostError, parkJob, wakeJob } from "@deskgate/queue";

/**
 * How the gate holds a run while people decide, and the fence it checks before acting.
 * `park` never returns: it ends the attempt (the run resumes later from its checkpoint).
 */
export interface RunParking {
  /**
   * Parks the run until `untilMs` or until woken; `stillWaiting` is asked right after
   * parking (a decision that landed just before could not wake it) and wakes it if false.
   */
  park(untilMs: number, stillWaiting: () => Promise<boolean>): Promise<never>;
  /** Throws unless this attempt still owns the run (another attempt must not act twice). */
  assertOwned(): Promise<void>;
}

/** The run's BullMQ job, parked as a delayed job; its lock is the fence. */
export function bullmqRunParking(
  backend: ApprovalBackend,
  desktop: string,
  job: Job,
  token: string | undefined,
): RunParking {
  return {
    park: (untilMs, stillWaiting) =>
      parkJob(job, token, untilMs, async () => {
        if (!(await stillWaiting()) && job.id) await wakeJob(backend.queues.runs(desktop), job.id);
      }),
    async assertOwned() {
      if (!(await holdsJobLock(backend.redis, job, token)))
        throw new JobLockLostError(job, `not acting for run ${job.id}`);
    },
  };
}
