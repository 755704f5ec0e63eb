import type { RunDesk, RunEventHandler } from "@deskgate/approvals";
import type { RunEvent } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { Redis } from "@deskgate/redis";
import { ApproverCheck } from "./approver-check.ts";
import type { BotContext } from "./bot-context.ts";
import { renderCard } from "./card-poster.ts";
import { CommandReplays } from "./command-replays.ts";
import type { BotConfig } from "./config.ts";
import {
  createGaveUpHandler,
  createRunEventHandler,
  renderRoot,
} from "./consumers/run-event-to-slack.ts";
import { registerActions } from "./listeners/actions/index.ts";
import { registerCommands } from "./listeners/commands/index.ts";
import { registerViews } from "./listeners/views/index.ts";
import { createSlackApp, type SlackApp } from "./slack-app.ts";
import { BudgetedSlack } from "./slack-budget/budgeted-slack.ts";
import {
  type PendingUpdate,
  PendingUpdates,
  type RenderedUpdate,
} from "./slack-budget/pending-updates.ts";
import { PostingBudget, type PostingLimits } from "./slack-budget/posting-budget.ts";
import { SlackMessageRefs } from "./slack-message-refs.ts";
import { ThreadSegments } from "./thread-segments.ts";

export type BotSettings = Pick<
  BotConfig,
  | "slackMode"
  | "slackBotToken"
  | "slackAppToken"
  | "slackSigningSecret"
  | "slackApiUrl"
  | "httpPort"
  | "channels"
  | "desktopChannels"
  | "approvers"
  | "requireSecondApprover"
  | "desktopViewUrl"
>;

export interface Bot {
  slack: SlackApp;
  /** Feed run events here (the run-events queue consumer calls it). */
  handleRunEvent: RunEventHandler;
  /** For the consumer's `onGaveUp`: an undeliverable approval card fails its run. */
  handleUndeliverableEvent: (event: RunEvent, err: unknown) => Promise<void>;
  /** Starts making the marked edits (cards after decisions, root statuses, step lines). */
  startEdits(): { close(): Promise<void> };
}

/** The Slack side, wired: listeners registered, the event handler ready. Starts nothing. */
export function createBot(options: {
  settings: BotSettings;
  runDesk: RunDesk;
  redis: Redis;
  logger: Logger;
  onDecided?: (seconds: number) => void;
  /** Slack's rates to keep to (default: a little under the published ones). */
  postingLimits?: PostingLimits;
}): Bot {
  const slack = createSlackApp(options.settings, options.logger);
  const budgeted = new BudgetedSlack(
    slack.app.client,
    new PostingBudget(options.redis, options.postingLimits),
    options.logger,
  );
  let ctx: BotContext | undefined;
  const render = (update: PendingUpdate): Promise<RenderedUpdate | undefined> => {
    switch (update.kind) {
      case "card":
        return renderCard(ctx!, update.approvalId);
      case "root":
        return renderRoot(ctx!, update.runId);
      case "segment":
        return renderSegment(update.runId, update.ts);
    }
  };
  const updates = new PendingUpdates(options.redis, budgeted, render, options.logger);
  const segments = new ThreadSegments(options.redis, budgeted, updates);
  const refs = new SlackMessageRefs(options.redis);
  const renderSegment = async (runId: string, ts: string): Promise<RenderedUpdate | undefined> => {
    const [thread, line] = await Promise.all([
      refs.thread(runId),
      segments.renderSegment(runId, ts),
    ]);
    return thread && line ? { channel: thread.channel, ts, ...line } : undefined;
  };
  ctx = {
    client: slack.app.client,
    slack: budgeted,
    updates,
    segments,
    runDesk: options.runDesk,
    refs,
    approvers: new ApproverCheck({
      approvers: options.settings.approvers,
      requireSecondApprover: options.settings.requireSecondApprover,
      groupMembers: async (groupId) =>
        (await slack.app.client.usergroups.users.list({ usergroup: groupId })).users ?? [],
    }),
    channels: options.settings.channels,
    desktopChannels: options.settings.desktopChannels,
    replays: new CommandReplays(options.redis),
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
    startEdits: () => updates.start(),
  };
}
