import type { RunEvent } from "@deskgate/contracts";
import { threadLine } from "../blocks/run-messages.ts";
import type { BotContext } from "../bot-context.ts";
import { cardTs, postOnce } from "../card-poster.ts";
import { postingPriority } from "../slack-budget/posting-budget.ts";
import type { RunThread } from "../slack-message-refs.ts";

type Escalated = Extract<RunEvent, { type: "approval.escalated" }>;

/** Most people one backup step tells directly (a large group is told by its mention). */
const maxDirectMessages = 20;

/**
 * Nobody has answered a request. "remind": a line in the channel with a link to the card.
 * "backup": each backup person (and each member of a backup user group) gets a direct
 * message with the link, and they may now decide this request; the thread says who was
 * told. Each message once, however often the event is retried.
 */
export async function postEscalation(ctx: BotContext, thread: RunThread, event: Escalated) {
  const ts = await cardTs(ctx, event.runId, event.approvalId);
  const link = ts
    ? (await ctx.client.chat.getPermalink({ channel: thread.channel, message_ts: ts })).permalink
    : undefined;
  const card = link ? ` — <${link}|open the card>` : "";
  if (event.stage === "remind") {
    return postOnce(
      ctx,
      event.runId,
      `escalate:${event.approvalId}:remind`,
      threadLine([
        {
          ours: `:bell: Step ${event.step} of run \`${event.runId}\` is still waiting for a decision${card}`,
        },
      ]),
      { inChannel: true },
    );
  }
  const backup = event.backup ?? [];
  const people = await directRecipients(ctx, backup);
  for (const userId of people.slice(0, maxDirectMessages)) {
    const key = `escalate:${event.approvalId}:dm:${userId}`;
    if (await ctx.refs.messageTs(event.runId, key)) continue;
    const opened = await ctx.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) continue;
    const posted = await ctx.slack.postMessage(
      {
        channel,
        text: `:rotating_light: Nobody has decided step ${event.step} of run \`${event.runId}\` yet, and you are its backup approver: you may approve or deny it${card}`,
      },
      postingPriority.card,
    );
    await ctx.refs.saveMessageTs(event.runId, key, posted.ts);
  }
  const named = backup.map((id) => (id.startsWith("S") ? `<!subteam^${id}>` : `<@${id}>`));
  return postOnce(
    ctx,
    event.runId,
    `escalate:${event.approvalId}:backup`,
    threadLine([
      {
        ours: `:rotating_light: No decision yet on step ${event.step}: told the backup approvers ${named.join(", ")} directly; they may decide it now.`,
      },
    ]),
  );
}

/** Users named directly, then the members of named user groups, each once. */
async function directRecipients(ctx: BotContext, ids: readonly string[]): Promise<string[]> {
  const users = new Set<string>();
  for (const id of ids) {
    if (!id.startsWith("S")) users.add(id);
    else for (const member of await ctx.approvers.membersOf(id)) users.add(member);
  }
  return [...users];
}
