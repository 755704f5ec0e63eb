import { desktopRunQueueName, queueNames } from "@deskgate/contracts";
import { createQueue, type Queue } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";

/** The BullMQ queues of one process, created on first use and closed together. */
export class RunQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly connection: Redis) {}

  /** `runs` for any desktop, or `runs.<desktop>`. */
  runs(desktop?: string): Queue {
    return this.get(desktop ? desktopRunQueueName(desktop) : queueNames.runs);
  }

  runEvents(): Queue {
    return this.get(queueNames.runEvents);
  }

  deadlines(): Queue {
    return this.get(queueNames.approvalDeadlines);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }

  private get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = createQueue(name, this.connection);
      this.queues.set(name, queue);
    }
    return queue;
  }
}
