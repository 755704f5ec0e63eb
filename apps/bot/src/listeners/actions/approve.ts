import type { BotContext } from "../../bot-context.ts";
import { applyDecision, type ButtonArgs, openRequestFor } from "./decision-click.ts";

export function approveHandler(ctx: BotContext, options: { trustWindowMs?: number } = {}) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await openRequestFor(ctx, body, action.value ?? ""))) return;
    await applyDecision(ctx, body.user, action.value ?? "", {
      verdict: "approve",
      ...(options.trustWindowMs ? { trustWindowMs: options.trustWindowMs } : {}),
    });
  };
}
