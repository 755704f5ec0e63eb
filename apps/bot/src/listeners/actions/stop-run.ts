import type { BotContext } from "../../bot-context.ts";
import { type ButtonArgs, ephemeral } from "./decision-click.ts";

export function stopRunHandler(ctx: BotContext) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const run = await ctx.runDesk.getRun(action.value ?? "");
    if (!run) return void (await ephemeral(ctx, body, "This run no longer exists."));
    const allowed = await ctx.approvers.mayStop(body.user.id, run);
    if (!allowed.ok) return void (await ephemeral(ctx, body, allowed.reason));
    const result = await ctx.runDesk.cancelRun(run.request.runId, {
      userId: body.user.id,
      ...(body.user.name ? { name: body.user.name } : {}),
    });
    if (result.kind === "already_ended") await ephemeral(ctx, body, "This run has already ended.");
  };
}
