import { parseDecisionTarget } from "../../blocks/action-ids.ts";
import { describeOutcome } from "../../blocks/describe-outcome.ts";
import { grantModal } from "../../blocks/grant-modal.ts";
import { holdBackModal } from "../../blocks/hold-back-modal.ts";
import { denyReasonModal, editModal } from "../../blocks/modals.ts";
import type { BotContext } from "../../bot-context.ts";
import { type ButtonArgs, ephemeral } from "./decision-click.ts";

/**
 * "Deny with reason…", "Edit…" and "Approve & allow similar…": open the modal at once — Slack's trigger id lasts 3 s,
 * and the approver check can wait on a slow user-group lookup — and check who may decide
 * when the form comes back. If the modal cannot open, the clicker is told why.
 */
export function openModalHandler(
  ctx: BotContext,
  kind: "deny_reason" | "edit" | "grant" | "hold_back",
) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const target = parseDecisionTarget(action.value);
    const state = target ? await ctx.runDesk.getApproval(target.approvalId) : undefined;
    if (!target || !state) {
      await ephemeral(ctx, body, "This request no longer exists (its run ended long ago).");
      return;
    }
    if (state.status === "decided") {
      await ephemeral(ctx, body, `Already decided — ${describeOutcome(state)}`);
      return;
    }
    if (kind === "grant" && !state.request.grantable) {
      await ephemeral(
        ctx,
        body,
        "This step cannot be covered by a grant (high risk, a deny rule, or more than one approver): approve or deny it on its own.",
      );
      return;
    }
    const view =
      kind === "deny_reason"
        ? denyReasonModal(state, target)
        : kind === "grant"
          ? grantModal(state, target)
          : kind === "hold_back"
            ? holdBackModal(state, target)
            : editModal(state, target);
    if (!view) {
      await ephemeral(ctx, body, "This action has nothing to edit; approve or deny it.");
      return;
    }
    try {
      await ctx.client.views.open({ trigger_id: body.trigger_id, view: view as never });
      // Warm the approver check (a user-group lookup can wait out a rate limit) while the
      // person fills the form, so the submission is answered within Slack's 3 s.
      void ctx.runDesk
        .getRun(state.request.runId)
        .then((run) => ctx.approvers.mayApprove(body.user.id, run, state.request))
        .catch(() => undefined);
    } catch (err) {
      ctx.logger.warn({ err, approvalId: target.approvalId }, "could not open a modal");
      await ephemeral(
        ctx,
        body,
        "Slack did not open the form (it allows 3 seconds after a click, and that passed). Click the button again.",
      );
    }
  };
}
