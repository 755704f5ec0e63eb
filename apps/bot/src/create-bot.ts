import type { RunDesk } from "@deskgate/approvals";
import type { RunEvent } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { ApproverCheck } from "./approver-check.ts";
import type { BotContext } from "./bot-context.ts";
import type { BotConfig } from "./config.ts";
import { createGaveUpHandler, createRunEventHandler } from "./consumers/run-event-to-slack.ts";
import { registerActions } from "./listeners/actions/index.ts";
import { registerCommands } from "./listeners/commands/index.ts";
import { registerViews } from "./listeners/views/index.ts";
import { createSlackApp, type SlackApp } from "./slack-app.ts";
import { SlackMessageRefs } from "./slack-message-refs.ts";

export type BotSettings = Pick<
  BotConfig,
  | "slackMode"
  | "slackBotToken"
  | "slackAppToken"
  | "slackSigningSecret"
  | "slackApiUrl"
  | "httpPort"
  | "channels"
  | "approvers"
  | "requireSecondApprover"
  | "desktopViewUrl"
>;

export interface Bot {
  slack: SlackApp;
  /** Feed run events here (the run-events queue consumer calls it). */
  handleRunEvent: (event: RunEvent) => Promise<void>;
  /** For the consumer's `onGaveUp`: an undeliverable approval card fails its run. */
  handleUndeliverableEvent: (event: RunEvent, err: unknown) => Promise<void>;
}

/** The Slack side, wired: listeners registered, the event handler ready. Starts nothing. */
export function createBot(options: {
  settings: BotSettings;
  runDesk: RunDesk;
  redis: Redis;
  logger: Logger;
  onDecided?: (seconds: number) => void;
}): Bot {
  const slack = createSlackApp(options.settings, options.logger);
  const ctx: BotContext = {
    client: slack.app.client,
    runDesk: options.runDesk,
    refs: new SlackMessageRefs(options.redis),
    approvers: new ApproverCheck({
      approvers: options.settings.approvers,
      requireSecondApprover: options.settings.requireSecondApprover,
      groupMembers: async (groupId) =>
        (await slack.app.client.usergroups.users.list({ usergroup: groupId })).users ?? [],
    }),
    channels: options.settings.channels,
    desktopViewUrl: options.settings.desktopViewUrl,
    logger: options.logger,
    ...(options.onDecided ? { onDecided: options.onDecided } : {}),
  };
  registerCommands(slack.app, ctx);
  registerActions(slack.app, ctx);
  registerViews(slack.app, ctx);
  slack.app.error(async (error) => {
    options.logger.error({ err: error }, "slack listener failed");
  });
  return {
    slack,
    handleRunEvent: createRunEventHandler(ctx),
    handleUndeliverableEvent: createGaveUpHandler(ctx),
  };
}
