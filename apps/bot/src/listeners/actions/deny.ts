import type { BotContext } from "../../bot-context.ts";
import { applyDecision, type ButtonArgs, openRequestFor } from "./decision-click.ts";

export function denyHandler(ctx: BotContext) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const open = await openRequestFor(ctx, body, action.value);
    if (!open) return;
    await applyDecision(ctx, body.user, open.target.approvalId, { verdict: "deny" });
  };
}
