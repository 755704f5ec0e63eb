import { redisKeys } from "@deskgate/approvals";
import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand } from "@deskgate/test-support/fake-slack";
import { describe, expect, it } from "vitest";
import type { BotSettings } from "../apps/bot/src/create-bot.ts";
import { askEverything } from "../apps/worker/src/testing/gate-harness.ts";
import { cards, textOf, waitForMessage } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

const each = useSlackGate();

const click: ComputerAction = { action: "left_click", coordinate: [812, 440] };

/** The bot with these channels, desktop qa-7 under a policy routing qa-* to `policyChannel`. */
async function startFleet(settings: Partial<BotSettings>, policyChannel: string) {
  await each.startBot(settings);
  await each.harness.startDesktop({
    desktop: "qa-7",
    actions: [click],
    policy: {
      ...askEverything,
      approvalChannels: [{ desktops: ["qa-*"], channel: policyChannel }],
    },
  });
  await each.slack.send({
    type: "slash_commands",
    payload: slashCommand("start press the green button --desktop qa-7", { userId: "U0ALICE" }),
  });
  const root = await waitForMessage(
    each.slack,
    (m) => !m.threadTs && textOf(m).includes("press the green button"),
    "the run's root message",
  );
  const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
  const [run] = await each.harness.backend.runDesk.listRuns();
  return { root, card, run: run! };
}

const replyTo = (user: string, pattern: RegExp) =>
  waitFor(
    () =>
      each.slack.webApi
        .callsOf("chat.postEphemeral")
        .find((c) => c.args.user === user && pattern.test(String(c.args.text))),
    { what: `a private answer to ${user} matching ${pattern}` },
  );

const postedIn = (channel: string) =>
  each.slack.webApi.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);

describe("approval channels named by a desktop's policy", () => {
  it("posts the run's root message, card and thread in the policy's channel, ahead of SLACK_DESKTOP_CHANNELS", async () => {
    const { root, card, run } = await startFleet(
      {
        channels: ["C0RUNS", "C0QA"],
        desktopChannels: [{ pattern: "qa-*", channel: "C0ENVQA" }],
      },
      "C0QA",
    );
    expect(root.channel).toBe("C0QA");
    expect(card.channel).toBe("C0QA");
    expect(card.threadTs).toBe(root.ts);
    expect(run.request.channel).toBe("C0QA");
    const told = await replyTo("U0ALICE", /^Started `run_/);
    expect(told.args.channel).toBe("C0RUNS");
    expect(told.args.text).toBe(
      `Started \`${run.request.runId}\`; its approvals are in <#C0QA>, as the policy of \`qa-7\` says.`,
    );

    // The card works where it is, and the run's thread stays there to the end.
    await each.slack.send({
      type: "interactive",
      payload: blockAction({
        actionId: "approval.approve",
        value: run.pendingApprovalId ?? (await each.harness.waitForPending(run.request.runId)),
        userId: "U0BOB",
        channelId: "C0QA",
        messageTs: card.ts,
      }),
    });
    await each.harness.waitForStatus(run.request.runId, "finished");
    expect(await each.harness.executed(run.request.runId)).toEqual([
      { step: 1, action: click, note: null },
    ]);
    expect(postedIn("C0RUNS")).toEqual([]);
    expect(postedIn("C0ENVQA")).toEqual([]);

    // Listed in the channel its approvals are in, not in the channel it was started from.
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("list", { userId: "U0BOB", channelId: "C0QA" }),
    });
    await replyTo("U0BOB", new RegExp(run.request.runId));
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("list", { userId: "U0CAROL", channelId: "C0RUNS" }),
    });
    await replyTo("U0CAROL", /^No runs yet/);
  });

  it("does not follow a policy into a channel the bot does not serve, and tells the starter why", async () => {
    const { root, card, run } = await startFleet(
      { channels: ["C0RUNS"], desktopChannels: [{ pattern: "qa-*", channel: "C0ENVQA" }] },
      "C0ELSEWHERE",
    );
    expect(root.channel).toBe("C0ENVQA");
    expect(card.channel).toBe("C0ENVQA");
    expect(card.threadTs).toBe(root.ts);
    expect(run.request.channel).toBe("C0ENVQA");
    const told = await replyTo("U0ALICE", /^Started `run_/);
    expect(told.args.text).toBe(
      `Started \`${run.request.runId}\`; its approvals are in <#C0ENVQA>. The policy of \`qa-7\` routes them to <#C0ELSEWHERE>, a channel this bot does not serve (SLACK_CHANNELS, SLACK_DESKTOP_CHANNELS), so that route was not used.`,
    );
    expect(postedIn("C0ELSEWHERE")).toEqual([]);
  });

  it("falls back to the command's channel when nothing else routes the desktop", async () => {
    const { root, card, run } = await startFleet({ channels: ["C0RUNS"] }, "C0ELSEWHERE");
    expect(root.channel).toBe("C0RUNS");
    expect(card.channel).toBe("C0RUNS");
    expect(run.request.channel).toBe("C0RUNS");
    await replyTo(
      "U0ALICE",
      /its approvals are here\. The policy of `qa-7` routes them to <#C0ELSEWHERE>/,
    );
    expect(postedIn("C0ELSEWHERE")).toEqual([]);
  });

  it("falls back to SLACK_DESKTOP_CHANNELS when the published policy cannot be read by this bot", async () => {
    await each.startBot({
      channels: ["C0RUNS", "C0QA"],
      desktopChannels: [{ pattern: "qa-*", channel: "C0ENVQA" }],
    });
    // A newer worker's policy: a key this bot's schema does not know, beside a route.
    await each.harness.backend.redis.set(
      redisKeys.desktopPolicy("qa-9"),
      JSON.stringify({
        source: {
          approvalChannels: [{ desktops: ["qa-*"], channel: "C0QA" }],
          futureKey: true,
          rules: [],
        },
      }),
    );
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("start look around --desktop qa-9", { userId: "U0ALICE" }),
    });
    const root = await waitForMessage(
      each.slack,
      (m) => !m.threadTs && textOf(m).includes("look around"),
      "the run's root message",
    );
    expect(root.channel).toBe("C0ENVQA");
    await replyTo("U0ALICE", /^Started `run_\w+`; its approvals are in <#C0ENVQA>\.$/);
    const [run] = await each.harness.backend.runDesk.listRuns();
    expect(run?.request.channel).toBe("C0ENVQA");
  });
});
