import type { BotContext } from "../../bot-context.ts";
import { type ButtonArgs, ephemeral } from "./decision-click.ts";

/**
 * "Revoke" on a grant's thread message: ends it at once. Its maker, the run's requester
 * and any approver may; the message then says who revoked it (`grant.ended`).
 */
export function revokeGrantHandler(ctx: BotContext) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const grant = await ctx.runDesk.getGrant(action.value ?? "");
    if (!grant) return void (await ephemeral(ctx, body, "This grant has already ended."));
    const run = await ctx.runDesk.getRun(grant.runId);
    const allowed =
      grant.by.userId === body.user.id ||
      (run ? (await ctx.approvers.mayStop(body.user.id, run)).ok : false);
    if (!allowed)
      return void (await ephemeral(
        ctx,
        body,
        "Only the person who made this grant, the run's requester or an approver can revoke it.",
      ));
    const revoked = await ctx.runDesk.revokeGrant(grant.grantId, {
      userId: body.user.id,
      ...(body.user.name ? { name: body.user.name } : {}),
    });
    await ephemeral(
      ctx,
      body,
      revoked
        ? "Revoked: from now on these actions are asked about again."
        : "This grant had already ended.",
    );
  };
}
