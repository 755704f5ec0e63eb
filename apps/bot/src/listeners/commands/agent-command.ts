import type { RunRecord } from "@deskgate/contracts";
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { agentUsage, parseAgentCommand } from "../../agent-command.ts";
import type { Piece } from "../../blocks/block-kit.ts";
import { runListPieces } from "../../blocks/run-messages.ts";
import type { BotContext } from "../../bot-context.ts";
import { approvalChannels } from "../../channels/desktop-channels.ts";
import { readSlackText } from "../../slack-text/from-slack.ts";
import { escapeMrkdwn, notificationText } from "../../slack-text/to-slack.ts";
import { startRun } from "./start-run.ts";

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/agent start|stop|status|list|help`. Acknowledges first (Slack allows 3 s). A command
 * seen before (a replayed request, within Slack's five-minute signature window) does
 * nothing. Runs are listed only in approval channels (that channel's runs) and in a
 * direct message (the requester's own runs).
 */
export function agentCommandHandler(ctx: BotContext) {
  return async ({ ack, command }: CommandArgs): Promise<void> => {
    await ack();
    if (!(await ctx.replays.firstSight(command))) {
      ctx.logger.warn(
        { user: command.user_id, channel: command.channel_id },
        "a slash command was replayed; ignored",
      );
      return;
    }
    const reply = (text: string) =>
      ctx.client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
    // Slack escapes and marks up what people type; the model gets what they typed.
    const parsed = parseAgentCommand(readSlackText(command.text));
    const scope = listScope(ctx, command.channel_id, command.user_id);
    switch (parsed.kind) {
      case "help":
        await reply(agentUsage);
        return;
      case "usage":
        await reply(`${parsed.problem}\n\n${agentUsage}`);
        return;
      case "start":
        if (!ctx.channels.includes(command.channel_id)) {
          await reply(
            `Runs can't be started in this channel. Use one of: ${ctx.channels.map((c) => `<#${c}>`).join(", ")}`,
          );
          return;
        }
        await startRun(ctx, command, parsed, reply);
        return;
      case "stop": {
        const run = await ctx.runDesk.getRun(parsed.runId);
        if (!run) {
          await reply(`No run \`${escapeMrkdwn(parsed.runId)}\`. \`/agent list\` shows the runs.`);
          return;
        }
        const allowed = await ctx.approvers.mayStop(command.user_id, run);
        if (!allowed.ok) {
          await reply(allowed.reason);
          return;
        }
        const result = await ctx.runDesk.cancelRun(parsed.runId, {
          userId: command.user_id,
          name: command.user_name,
        });
        await reply(
          result.kind === "cancelled"
            ? `Stopping \`${escapeMrkdwn(parsed.runId)}\`.`
            : `\`${escapeMrkdwn(parsed.runId)}\` has already ended.`,
        );
        return;
      }
      case "status": {
        if (!scope) {
          await reply(notHere(ctx));
          return;
        }
        if (parsed.runId) {
          const run = await ctx.runDesk.getRun(parsed.runId);
          await reply(
            run && scope(run)
              ? piecesText(runListPieces(run))
              : `No run \`${escapeMrkdwn(parsed.runId)}\` here.`,
          );
          return;
        }
        await reply(await listText(ctx, scope, 5));
        return;
      }
      case "list":
        await reply(scope ? await listText(ctx, scope, 20) : notHere(ctx));
        return;
    }
  };
}

/**
 * Which runs a listing here may show: in an approval channel, the runs posted there; in
 * a direct message with the bot, the runs this person started; anywhere else, none (a
 * run's task is for the people of its channel). The approval channels are the channels the
 * bot serves (`approvalChannels`); a desktop policy's route is followed only into one of
 * them, so every channel a run may be posted in is listed here already.
 */
function listScope(
  ctx: BotContext,
  channel: string,
  userId: string,
): ((run: RunRecord) => boolean) | undefined {
  if (approvalChannels(ctx.channels, ctx.desktopChannels).includes(channel))
    return (run) => run.request.channel === channel;
  if (channel.startsWith("D")) return (run) => run.request.requester.userId === userId;
  return undefined;
}

const notHere = (ctx: BotContext) =>
  `Runs are listed in ${approvalChannels(ctx.channels, ctx.desktopChannels)
    .map((c) => `<#${c}>`)
    .join(", ")}, or in a direct message with me (your own runs).`;

async function listText(
  ctx: BotContext,
  scope: (run: RunRecord) => boolean,
  limit: number,
): Promise<string> {
  const runs = (await ctx.runDesk.listRuns({ limit: 500 })).filter(scope).slice(0, limit);
  if (runs.length === 0) return "No runs yet. Start one with `/agent start <task>`.";
  return runs.map((run) => `• ${piecesText(runListPieces(run))}`).join("\n");
}

/** Pieces as one mrkdwn line for an ephemeral answer: outside text escaped and inert. */
function piecesText(pieces: Piece[]): string {
  return pieces.map((p) => ("ours" in p ? p.ours : notificationText(p.outside))).join(" · ");
}
