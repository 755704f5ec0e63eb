import type { FakeSlack, PostedMessage } from "@deskgate/test-support/fake-slack";
import type { ScriptedAction } from "./decision-task.ts";

/** Who answers the cards, and where: the fake Slack and the people allowed to approve. */
export interface ApproverDesk {
  slack: FakeSlack;
  /** Slack user ids of the approvers (the bot's SLACK_APPROVERS), in the order they act. */
  approvers: readonly string[];
  /**
   * The task's script, step 1 first: which steps have consequences, as a person who
   * knows what the task is for sees them on the cards.
   */
  script: readonly ScriptedAction[];
  /** What the person answered on a card, in words, for the bench's report. */
  note?: (answer: string) => void;
}

/**
 * How a simulated person answers one approval card, through the fake Slack as a person
 * would (button clicks as `block_actions`, forms as `view_submission`). Resolves once the
 * card shows the answer, with the number of human decisions it took: each click or
 * submitted form that approves, denies or grants counts one (opening a modal and
 * submitting it is one decision together).
 */
export interface ApproverStrategy {
  name: string;
  respond(card: PostedMessage, desk: ApproverDesk): Promise<number>;
}
