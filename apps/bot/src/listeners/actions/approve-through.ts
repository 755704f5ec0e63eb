import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from "@slack/bolt";
import { decisionTargetValue, parseThroughValue } from "../../blocks/action-ids.ts";
import { planOnCard } from "../../blocks/plan-steps.ts";
import type { BotContext } from "../../bot-context.ts";
import { applyDecision, ephemeral, openRequestFor } from "./decision-click.ts";

type MenuArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** A plan card's menu: approve its first k steps; the rest are asked about when they come. */
export function approveThroughHandler(ctx: BotContext) {
  return async ({ ack, body, action }: MenuArgs): Promise<void> => {
    await ack();
    const choice = parseThroughValue(action.selected_option?.value);
    if (!choice)
      return void (await ephemeral(ctx, body, "That menu choice is not one deskgate made."));
    const open = await openRequestFor(ctx, body, decisionTargetValue(choice));
    if (!open) return;
    const plan = planOnCard(open.state);
    if (!plan || choice.through > plan.length)
      return void (await ephemeral(ctx, body, "This card no longer shows that plan."));
    await applyDecision(ctx, body.user, open.target.approvalId, {
      verdict: "approve",
      version: open.target.version,
      ...(choice.through < plan.length ? { through: choice.through } : {}),
    });
  };
}
