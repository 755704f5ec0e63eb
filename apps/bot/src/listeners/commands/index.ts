import type { App } from "@slack/bolt";
import type { BotContext } from "../../bot-context.ts";
import { agentCommandHandler } from "./agent-command.ts";

export function registerCommands(app: App, ctx: BotContext): void {
  app.command("/agent", agentCommandHandler(ctx));
}
