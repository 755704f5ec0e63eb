import { isApprovalCardEvent, type RunEvent } from "@deskgate/contracts";
import { enqueue } from "@deskgate/queue";
import type { RunEventOutbox } from "./run-event-outbox.ts";
import type { RunQueues } from "./run-queues.ts";

/**
 * How often an announcement is tried while the bot's handler throws (Slack down), with
 * backoff doubling from 1 s. A thread line waits out a long outage (20 tries: days); an
 * approval card gives up after 10 tries (about 8.5 minutes) and its run fails, so a run
 * does not sit waiting on a card nobody can see.
 */
export const announcementAttempts = { card: 10, other: 20 } as const;

/**
 * Worker → bot announcements: the event goes into its run's ordered outbox first, then a
 * job tells the bot the run has news (see RunEventOutbox). A process that dies between
 * the two leaves the event in the outbox for the run's next announcement to carry.
 */
export class RunEventPublisher {
  constructor(
    private readonly queues: RunQueues,
    private readonly outbox: RunEventOutbox,
  ) {}

  async announce(
    event: RunEvent,
    retry: { attempts: number; backoff: { type: "exponential" | "fixed"; delay: number } } = {
      attempts: isApprovalCardEvent(event) ? announcementAttempts.card : announcementAttempts.other,
      backoff: { type: "exponential", delay: 1_000 },
    },
  ): Promise<void> {
    await this.outbox.append(event);
    await enqueue(this.queues.runEvents(), "run-event.announce", event, retry);
  }
}
