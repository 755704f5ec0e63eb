import type { RunDesk } from "@deskgate/approvals";
import type { Logger } from "@deskgate/core";
import type { App } from "@slack/bolt";
import type { ApproverCheck } from "./approver-check.ts";
import type { SlackMessageRefs } from "./slack-message-refs.ts";

export type SlackClient = App["client"];

/** What every listener and the event consumer share. Built once in createBot. */
export interface BotContext {
  client: SlackClient;
  runDesk: RunDesk;
  refs: SlackMessageRefs;
  approvers: ApproverCheck;
  /** Channels where runs may be started. */
  channels: readonly string[];
  desktopViewUrl: string | undefined;
  logger: Logger;
  /** Seconds from request to decision, for /metrics. */
  onDecided?: (latencySeconds: number) => void;
}
