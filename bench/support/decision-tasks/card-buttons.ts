import type { PostedMessage } from "@deskgate/test-support/fake-slack";
import { z } from "zod";

/** A button of a Block Kit `actions` block, as the bot posted it. */
export interface CardButton {
  actionId: string;
  value: string;
  /** The button's label (plain text). */
  text: string;
}

const buttonSchema = z.object({
  type: z.literal("button"),
  action_id: z.string(),
  value: z.string().default(""),
  text: z.object({ text: z.string() }),
});
const actionsBlockSchema = z.object({ type: z.literal("actions"), elements: z.array(z.unknown()) });

/** The buttons on a message, in order; anything that is not a button is left out. */
export function cardButtons(message: PostedMessage | undefined): CardButton[] {
  const buttons: CardButton[] = [];
  for (const block of message?.blocks ?? []) {
    const actions = actionsBlockSchema.safeParse(block);
    if (!actions.success) continue;
    for (const element of actions.data.elements) {
      const button = buttonSchema.safeParse(element);
      if (button.success)
        buttons.push({
          actionId: button.data.action_id,
          value: button.data.value,
          text: button.data.text.text,
        });
    }
  }
  return buttons;
}

/** Decision buttons are named `approval.…` (apps/bot/src/blocks/action-ids.ts). */
export const decisionButtonPrefix = "approval.";

/** A message that asks for a decision: it carries at least one `approval.…` button. */
export function isApprovalCard(message: PostedMessage | undefined): boolean {
  return cardButtons(message).some((button) => button.actionId.startsWith(decisionButtonPrefix));
}
