import type { RiskJudge } from "@deskgate/agent";
import { createRunEventConsumer } from "@deskgate/approvals";
import type { ComputerAction } from "@deskgate/contracts";
import type { Worker } from "@deskgate/queue";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  blockAction,
  type FakeSlack,
  type PostedMessage,
  slashCommand,
  viewSubmission,
} from "@deskgate/test-support/fake-slack";
import { type Bot, type BotSettings, createBot } from "../apps/bot/src/create-bot.ts";
import type { PostingLimits } from "../apps/bot/src/slack-budget/posting-budget.ts";
import type { GateHarness } from "../apps/worker/src/testing/gate-harness.ts";

/** A real Bolt app wired to a fake Slack and a gate harness's backend. */
export async function startBot(
  harness: GateHarness,
  slack: FakeSlack,
  overrides: Partial<BotSettings> = {},
  options: { postingLimits?: PostingLimits } = {},
) {
  const settings: BotSettings = {
    slackMode: "socket",
    slackBotToken: slack.botToken,
    slackAppToken: slack.appToken,
    slackSigningSecret: undefined,
    slackApiUrl: slack.apiUrl,
    httpPort: 0,
    channels: ["C0RUNS"],
    desktopChannels: [],
    approvers: ["U0BOB", "U0CAROL", "S0LEADS"],
    requireSecondApprover: false,
    desktopViewUrl: "http://desk.example.test:6080/vnc.html",
    ...overrides,
  };
  const bot: Bot = createBot({
    settings,
    runDesk: harness.backend.runDesk,
    redis: harness.connect(),
    logger: harness.logger,
    ...(options.postingLimits ? { postingLimits: options.postingLimits } : {}),
  });
  await bot.slack.start();
  if (settings.slackMode === "socket") await slack.waitForSocket();
  const edits = bot.startEdits();
  const consumer: Worker = createRunEventConsumer({
    connection: harness.connect(),
    handler: bot.handleRunEvent,
    onGaveUp: bot.handleUndeliverableEvent,
    logger: harness.logger,
  });
  return {
    bot,
    async stop() {
      await consumer.close();
      await edits.close();
      await bot.slack.stop();
    },
  };
}

export function cards(slack: FakeSlack): PostedMessage[] {
  return [...slack.webApi.messages.values()].filter((m) =>
    JSON.stringify(m.blocks ?? []).includes("approval.approve"),
  );
}

export function waitForMessage(
  slack: FakeSlack,
  predicate: (m: PostedMessage) => boolean,
  what: string,
): Promise<PostedMessage> {
  return waitFor(() => [...slack.webApi.messages.values()].find(predicate), {
    timeoutMs: 10_000,
    what,
  });
}

export const textOf = (m: PostedMessage) => `${m.text ?? ""} ${JSON.stringify(m.blocks ?? [])}`;

/**
 * Clicks and form submissions as people make them in the fake Slack, and what the bot
 * answers them privately: the steps of an approval flow, for tests that drive a run.
 */
export function slackDriver(harness: GateHarness, slack: FakeSlack) {
  return {
    /** Starts a run with `/agent` on a desktop proposing `actions` under `policy`. */
    async startRun(
      actions: ComputerAction[],
      policy: unknown,
      options: {
        requester?: string;
        rationale?: string;
        turnSizes?: readonly number[];
        screenshotPng?: Buffer;
        onApproved?: (step: number, action: ComputerAction) => Promise<void> | void;
        riskJudge?: RiskJudge;
      } = {},
    ): Promise<string> {
      const { requester: _requester, ...desktop } = options;
      await harness.startDesktop({ actions, policy, ...desktop });
      await slack.send({
        type: "slash_commands",
        payload: slashCommand("start type a command", { userId: options.requester ?? "U0REQ" }),
      });
      return waitFor(async () => (await harness.backend.runDesk.listRuns())[0]?.request.runId, {
        what: "the run",
      });
    },

    /** The run's open request and its card, once the card is in the channel. */
    async openRequest(runId: string, notId?: string) {
      const approvalId = await harness.waitForPending(runId, notId);
      const card = await waitFor(
        () => cards(slack).find((m) => JSON.stringify(m.blocks).includes(`${approvalId}@`)),
        { what: `the card for ${approvalId}` },
      );
      return { approvalId, card };
    },

    /** A click on one of a card's buttons ("approval.approve" unless said). */
    click(value: string, userId: string, messageTs: string, actionId = "approval.approve") {
      return slack.send({
        type: "interactive",
        payload: blockAction({ actionId, value, userId, messageTs }),
      });
    },

    /** The edit form submitted with these fields (blockId → value), for `approvalId@version`. */
    submitEdit(
      approvalId: string,
      version: number,
      userId: string,
      fields: Record<string, string>,
    ) {
      const values = Object.fromEntries(
        Object.entries(fields).map(([block, value]) => [block, { value }]),
      );
      return slack.send({
        type: "interactive",
        payload: viewSubmission({
          callbackId: "approval.edit_submit",
          userId,
          privateMetadata: `${approvalId}@${version}`,
          values,
        }),
      });
    },

    /** The grant form as a person fills it: kinds ticked, this window's class, 15 minutes. */
    submitGrant(
      approvalId: string,
      userId: string,
      terms: { kinds: string[]; scope?: "run" | "desktop" },
    ) {
      return slack.send({
        type: "interactive",
        payload: viewSubmission({
          callbackId: "approval.grant_submit",
          userId,
          privateMetadata: `${approvalId}@1`,
          values: {
            kinds: { value: { checked: terms.kinds } },
            where: { value: { picked: "class", kind: "radio_buttons" } },
            scope: { value: { picked: terms.scope ?? "run", kind: "radio_buttons" } },
            duration: { value: { picked: "900000", kind: "static_select" } },
          },
        }),
      });
    },

    /** Waits for a private answer to `userId` matching `pattern`. */
    ephemeralTo(userId: string, pattern: RegExp) {
      return waitFor(
        () =>
          slack.webApi
            .callsOf("chat.postEphemeral")
            .find((c) => c.args.user === userId && pattern.test(String(c.args.text))),
        { what: `a private answer to ${userId} matching ${pattern}` },
      );
    },
  };
}
