import type { App } from "@slack/bolt";
import { actionIds, trustWindowMs } from "../../blocks/action-ids.ts";
import type { BotContext } from "../../bot-context.ts";
import { approveHandler } from "./approve.ts";
import { denyHandler } from "./deny.ts";
import { openModalHandler } from "./open-modal.ts";
import { stopRunHandler } from "./stop-run.ts";

export function registerActions(app: App, ctx: BotContext): void {
  app.action(actionIds.approve, approveHandler(ctx) as never);
  app.action(actionIds.approveForWindow, approveHandler(ctx, { trustWindowMs }) as never);
  app.action(actionIds.deny, denyHandler(ctx) as never);
  app.action(actionIds.denyWithReason, openModalHandler(ctx, "deny_reason") as never);
  app.action(actionIds.edit, openModalHandler(ctx, "edit") as never);
  app.action(actionIds.stopRun, stopRunHandler(ctx) as never);
}
