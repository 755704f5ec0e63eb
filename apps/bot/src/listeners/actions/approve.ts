import { backupOnlyReason } from "../../approver-check.ts";
import type { BotContext } from "../../bot-context.ts";
import { applyDecision, type ButtonArgs, ephemeral, openRequestFor } from "./decision-click.ts";

export function approveHandler(ctx: BotContext, options: { trustWindowMs?: number } = {}) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const open = await openRequestFor(ctx, body, action.value);
    if (!open) return;
    // A trust window outlives the request: not a backup approver's to open.
    if (options.trustWindowMs && open.backupOnly)
      return void (await ephemeral(ctx, body, backupOnlyReason));
    await applyDecision(ctx, body.user, open.target.approvalId, {
      verdict: "approve",
      version: open.target.version,
      ...(options.trustWindowMs ? { trustWindowMs: options.trustWindowMs } : {}),
    });
  };
}
