import type { RunEvent } from "@deskgate/contracts";
import { enqueue } from "@deskgate/queue";
import type { RunQueues } from "./run-queues.ts";

/** Worker → bot announcements. Retried with backoff if the bot's handler throws (Slack down). */
export class RunEventPublisher {
  constructor(private readonly queues: RunQueues) {}

  async announce(event: RunEvent): Promise<void> {
    await enqueue(this.queues.runEvents(), "run-event.announce", event, {
      attempts: 20,
      backoff: { type: "exponential", delay: 1_000 },
    });
  }
}
