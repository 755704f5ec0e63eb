import type { App } from "@slack/bolt";
import { actionIds, trustWindowMs } from "../../blocks/action-ids.ts";
import type { BotContext } from "../../bot-context.ts";
import { approveHandler } from "./approve.ts";
import { approveThroughHandler } from "./approve-through.ts";
import { denyHandler } from "./deny.ts";
import { openModalHandler } from "./open-modal.ts";
import { revokeGrantHandler } from "./revoke-grant.ts";
import { stopRunHandler } from "./stop-run.ts";

export function registerActions(app: App, ctx: BotContext): void {
  app.action(actionIds.approve, approveHandler(ctx) as never);
  app.action(actionIds.approveForWindow, approveHandler(ctx, { trustWindowMs }) as never);
  app.action(actionIds.deny, denyHandler(ctx) as never);
  app.action(actionIds.denyWithReason, openModalHandler(ctx, "deny_reason") as never);
  app.action(actionIds.edit, openModalHandler(ctx, "edit") as never);
  app.action(actionIds.approveThrough, approveThroughHandler(ctx) as never);
  app.action(actionIds.allowSimilar, openModalHandler(ctx, "grant") as never);
  app.action(actionIds.holdBack, openModalHandler(ctx, "hold_back") as never);
  app.action(actionIds.revokeGrant, revokeGrantHandler(ctx) as never);
  app.action(actionIds.stopRun, stopRunHandler(ctx) as never);
}
