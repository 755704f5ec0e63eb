import { createRunEventConsumer } from "@deskgate/approvals";
import type { Worker } from "@deskgate/queue";
import { waitFor } from "@deskgate/test-support/app-process";
import type { FakeSlack, PostedMessage } from "@deskgate/test-support/fake-slack";
import { type Bot, type BotSettings, createBot } from "../apps/bot/src/create-bot.ts";
import type { GateHarness } from "../apps/worker/src/testing/gate-harness.ts";

/** A real Bolt app wired to a fake Slack and a gate harness's backend. */
export async function startBot(
  harness: GateHarness,
  slack: FakeSlack,
  overrides: Partial<BotSettings> = {},
) {
  const settings: BotSettings = {
    slackMode: "socket",
    slackBotToken: slack.botToken,
    slackAppToken: slack.appToken,
    slackSigningSecret: undefined,
    slackApiUrl: slack.apiUrl,
    httpPort: 0,
    channels: ["C0RUNS"],
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
  });
  await bot.slack.start();
  if (settings.slackMode === "socket") await slack.waitForSocket();
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
