import { setTimeout as sleep } from "node:timers/promises";
import type { PostedMessage } from "@deskgate/test-support/fake-slack";
import type { ApproverDesk, ApproverStrategy } from "./approver-strategy.ts";
import { isApprovalCard } from "./card-buttons.ts";

/** What the simulated person did in one run. */
export interface ApproverTally {
  /** Approval cards posted in the run's thread. */
  cards: number;
  /** Clicks and submitted forms that decided or granted something. */
  decisions: number;
  /** `decisions` × the fixed delay per decision: the person's time, simulated, not slept. */
  simulatedHumanMs: number;
}

/**
 * A person watching one run's thread in the fake Slack: every approval card posted there
 * is answered with `strategy`, in the order the cards were posted, until the run is over.
 */
export class SimulatedApprover {
  constructor(
    private readonly desk: ApproverDesk,
    private readonly strategy: ApproverStrategy,
    /** The human time one decision costs (reading the card, deciding, tapping), e.g. 20 s. */
    private readonly msPerDecision: number,
  ) {}

  /** Answers the thread of `rootTs` until `over()` is true; resolves with the tally. */
  async serve(rootTs: string, over: () => boolean): Promise<ApproverTally> {
    const tally: ApproverTally = { cards: 0, decisions: 0, simulatedHumanMs: 0 };
    const seen = new Set<string>();
    while (!over()) {
      const card = this.nextCard(rootTs, seen);
      if (!card) {
        await sleep(20);
        continue;
      }
      seen.add(card.ts);
      tally.cards += 1;
      const decisions = await this.strategy.respond(card, this.desk);
      tally.decisions += decisions;
      tally.simulatedHumanMs += decisions * this.msPerDecision;
    }
    return tally;
  }

  private nextCard(rootTs: string, seen: ReadonlySet<string>): PostedMessage | undefined {
    return [...this.desk.slack.webApi.messages.values()]
      .filter((message) => message.threadTs === rootTs && !seen.has(message.ts))
      .filter((message) => isApprovalCard(message))
      .sort((a, b) => a.postedByCall - b.postedByCall)[0];
  }
}
