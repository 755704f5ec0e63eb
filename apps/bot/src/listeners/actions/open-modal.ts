import { denyReasonModal, editModal } from "../../blocks/modals.ts";
import type { BotContext } from "../../bot-context.ts";
import { type ButtonArgs, ephemeral, openRequestFor } from "./decision-click.ts";

/** "Deny with reason…" and "Edit…": open the modal; the decision comes with its submission. */
export function openModalHandler(ctx: BotContext, kind: "deny_reason" | "edit") {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const state = await openRequestFor(ctx, body, action.value ?? "");
    if (!state) return;
    const view = kind === "deny_reason" ? denyReasonModal(state.request) : editModal(state.request);
    if (!view) {
      await ephemeral(ctx, body, "This action has nothing to edit; approve or deny it.");
      return;
    }
    await ctx.client.views.open({ trigger_id: body.trigger_id, view: view as never });
  };
}
