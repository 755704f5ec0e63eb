import { isApprovalCardEvent, type RunEvent } from "@deskgate/contracts";
import { enqueue } from "@deskgate/queue";
import type { RunQueues } from "./run-queues.ts";

/**
 * How often an announcement is tried while the bot's handler throws (Slack down), with
 * backoff doubling from 1 s. A thread line waits out a long outage (20 tries: days); an
 * approval card gives up after 10 tries (about 8.5 minutes) and its run fails, so a run
 * does not sit waiting on a card nobody can see.
 */
export const announcementAttempts = { card: 10, other: 20 } as const;

/** Worker → bot announcements. */
export class RunEventPublisher {
  constructor(private readonly queues: RunQueues) {}

  async announce(event: RunEvent): Promise<void> {
    await enqueue(this.queues.runEvents(), "run-event.announce", event, {
      attempts: isApprovalCardEvent(event) ? announcementAttempts.card : announcementAttempts.other,
      backoff: { type: "exponential", delay: 1_000 },
    });
  }
}
