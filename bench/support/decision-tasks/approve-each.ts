import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, type PostedMessage } from "@deskgate/test-support/fake-slack";
import { actionIds } from "../../../apps/bot/src/blocks/action-ids.ts";
import type { ApproverDesk, ApproverStrategy } from "./approver-strategy.ts";
import { cardButtons } from "./card-buttons.ts";

/**
 * Today's approver: reads each card and clicks its Approve button (the value as on the
 * button), one approver after another until the card is decided — a rule that needs two
 * people gets two clicks from two people. One decision per click.
 */
export const approveEach: ApproverStrategy = {
  name: "approve each card",
  async respond(card: PostedMessage, desk: ApproverDesk): Promise<number> {
    let decisions = 0;
    for (const userId of desk.approvers) {
      const approve = cardButtons(current(desk, card)).find(
        (button) => button.actionId === actionIds.approve,
      );
      if (!approve) return decisions;
      await desk.slack.send({
        type: "interactive",
        payload: blockAction({
          actionId: approve.actionId,
          value: approve.value,
          userId,
          messageTs: card.ts,
          ...(card.threadTs ? { threadTs: card.threadTs } : {}),
        }),
      });
      decisions += 1;
      // The bot redraws the card with this vote (or the decision) before anyone looks again.
      await waitFor(() => JSON.stringify(current(desk, card).blocks).includes(`<@${userId}>`), {
        timeoutMs: 15_000,
        what: `the card ${card.ts} to show ${userId}'s approval`,
      });
    }
    if (cardButtons(current(desk, card)).some((button) => button.actionId === actionIds.approve))
      throw new Error(`card ${card.ts} is still open after every approver approved it`);
    return decisions;
  },
};

function current(desk: ApproverDesk, card: PostedMessage): PostedMessage {
  return desk.slack.webApi.messages.get(card.ts) ?? card;
}
