import type { App } from "@slack/bolt";
import { viewIds } from "../../blocks/action-ids.ts";
import type { BotContext } from "../../bot-context.ts";
import {
  denyReasonSubmitted,
  editSubmitted,
  grantSubmitted,
  holdBackSubmitted,
} from "./decision-views.ts";

export function registerViews(app: App, ctx: BotContext): void {
  app.view(viewIds.denyReason, denyReasonSubmitted(ctx));
  app.view(viewIds.edit, editSubmitted(ctx));
  app.view(viewIds.grant, grantSubmitted(ctx));
  app.view(viewIds.holdBack, holdBackSubmitted(ctx));
}
