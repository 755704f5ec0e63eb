import type { DesktopRoute, RunRecord } from "@deskgate/contracts";
import { AppError } from "@deskgate/core";
import type { SlashCommand } from "@slack/bolt";
import { customAlphabet } from "nanoid";
import type { AgentCommand } from "../../agent-command.ts";
import { runRootMessage } from "../../blocks/run-messages.ts";
import type { BotContext } from "../../bot-context.ts";
import { chooseRunChannel, type RunChannelChoice } from "../../channels/choose-run-channel.ts";
import { postingPriority } from "../../slack-budget/posting-budget.ts";

type StartCommand = Extract<AgentCommand, { kind: "start" }>;

/** 14 letters and digits (~83 bits): `run_` ids must match runIdSchema (no '-' or '_'). */
const newRunId = (() => {
  const id = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 14);
  return () => `run_${id()}`;
})();

/**
 * `/agent start` in a start channel: picks the run's approval channel (`chooseRunChannel`:
 * the desktop's policy, then SLACK_DESKTOP_CHANNELS, then this channel), posts the run's
 * root message there, records its thread and queues the run. Tells the starter privately
 * where the approvals are when that is not here, and why a policy's channel was not used.
 * Throws (after telling the starter) when Slack or Redis fails; the command may be sent again.
 */
export async function startRun(
  ctx: BotContext,
  command: SlashCommand,
  parsed: StartCommand,
  reply: (text: string) => Promise<unknown>,
): Promise<void> {
  const runId = newRunId();
  let choice: RunChannelChoice;
  try {
    choice = chooseRunChannel({
      desktop: parsed.desktop,
      policyRoutes: await policyRoutes(ctx, parsed.desktop),
      configuredRoutes: ctx.desktopChannels,
      startChannels: ctx.channels,
      commandChannel: command.channel_id,
    });
    if (choice.refused)
      ctx.logger.warn(
        { desktop: parsed.desktop, channel: choice.refused, runId },
        "a desktop policy names an approval channel the bot does not serve; not used",
      );
    const { channel } = choice;
    const request = {
      runId,
      task: parsed.task,
      requester: { userId: command.user_id, name: command.user_name },
      channel,
      requestedAt: new Date().toISOString(),
      ...(parsed.desktop ? { desktop: parsed.desktop } : {}),
    };
    const draft: RunRecord = { request, status: "queued", step: 0, updatedAt: request.requestedAt };
    const root = runRootMessage(draft);
    // A card's priority: the person is waiting, and the run asks nothing before it.
    const posted = await ctx.slack.postMessage(
      { channel, text: root.text, blocks: root.blocks as never },
      postingPriority.card,
    );
    await ctx.refs.saveThread(runId, { channel, rootTs: posted.ts });
    await ctx.runDesk.startRun(request);
  } catch (err) {
    // Not started: the same command may be sent again.
    await ctx.replays.forget(command).catch(() => undefined);
    await reply("The run could not be started (Slack or Redis did not answer). Try again.").catch(
      () => undefined,
    );
    throw err;
  }
  ctx.logger.info(
    { runId, user: command.user_id, channel: choice.channel, channelFrom: choice.from },
    "run started from slack",
  );
  const told = startedReply(runId, parsed.desktop, choice, command.channel_id);
  if (told) await reply(told);
}

/**
 * The desktop's policy routes as its worker last published them; none for a run on any
 * desktop, a desktop whose worker has not started, or a published policy this bot cannot
 * read (a newer worker's keys): logged, and the run falls back to the bot's own routes.
 */
async function policyRoutes(
  ctx: BotContext,
  desktop: string | undefined,
): Promise<readonly DesktopRoute[]> {
  if (!desktop) return [];
  try {
    return (await ctx.runDesk.desktopPolicy(desktop))?.approvalChannels ?? [];
  } catch (err) {
    const unreadable =
      (err instanceof AppError && err.code === "policy_invalid") || err instanceof SyntaxError;
    if (!unreadable) throw err;
    ctx.logger.warn(
      { err, desktop },
      "the desktop's published policy cannot be read; its approval channel is not known",
    );
    return [];
  }
}

/** What the starter is told privately after the run started; undefined: nothing to add. */
export function startedReply(
  runId: string,
  desktop: string | undefined,
  choice: RunChannelChoice,
  commandChannel: string,
): string | undefined {
  const where = choice.channel === commandChannel ? "here" : `in <#${choice.channel}>`;
  if (choice.refused)
    return `Started \`${runId}\`; its approvals are ${where}. The policy of \`${desktop}\` routes them to <#${choice.refused}>, a channel this bot does not serve (SLACK_CHANNELS, SLACK_DESKTOP_CHANNELS), so that route was not used.`;
  if (choice.channel === commandChannel) return undefined;
  return choice.from === "policy"
    ? `Started \`${runId}\`; its approvals are in <#${choice.channel}>, as the policy of \`${desktop}\` says.`
    : `Started \`${runId}\`; its approvals are in <#${choice.channel}>.`;
}
