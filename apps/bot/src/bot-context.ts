import type { RunDesk } from "@deskgate/approvals";
import type { DesktopRoute } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { App } from "@slack/bolt";
import type { ApproverCheck } from "./approver-check.ts";
import type { CommandReplays } from "./command-replays.ts";
import type { BudgetedSlack } from "./slack-budget/budgeted-slack.ts";
import type { PendingUpdates } from "./slack-budget/pending-updates.ts";
import type { SlackMessageRefs } from "./slack-message-refs.ts";
import type { ThreadSegments } from "./thread-segments.ts";

export type SlackClient = App["client"];

/** What every listener and the event consumer share. Built once in createBot. */
export interface BotContext {
  client: SlackClient;
  /** Posts and edits in channels, within Slack's limits (cards first). */
  slack: BudgetedSlack;
  /** Edits marked now, made when the budget allows. */
  updates: PendingUpdates;
  /** Each run's running message of step lines. */
  segments: ThreadSegments;
  runDesk: RunDesk;
  refs: SlackMessageRefs;
  approvers: ApproverCheck;
  /** Channels where runs may be started. */
  channels: readonly string[];
  /** Approval channel per desktop or desktop group (SLACK_DESKTOP_CHANNELS). */
  desktopChannels: readonly DesktopRoute[];
  /** Slash commands seen in the last five minutes (a replay starts nothing). */
  replays: CommandReplays;
  desktopViewUrl: string | undefined;
  logger: Logger;
  /** Seconds from request to decision, for /metrics. */
  onDecided?: (latencySeconds: number) => void;
}
