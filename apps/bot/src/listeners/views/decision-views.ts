import type { ApprovalState } from "@deskgate/contracts";
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { backupOnlyReason } from "../../approver-check.ts";
import { type DecisionTarget, parseDecisionTarget } from "../../blocks/action-ids.ts";
import { describeOutcome } from "../../blocks/describe-outcome.ts";
import { grantTermsFrom, type ViewStateValues } from "../../blocks/grant-modal.ts";
import { heldBackFrom } from "../../blocks/hold-back-modal.ts";
import { editedActionFrom } from "../../blocks/modals.ts";
import type { BotContext } from "../../bot-context.ts";
import { judgeEdit } from "../../judge-edit.ts";
import { applyDecision } from "../actions/decision-click.ts";

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function valuesOf(view: ViewSubmitAction["view"]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [blockId, actions] of Object.entries(view.state.values))
    out[blockId] = actions.value?.value ?? undefined;
  return out;
}

/**
 * Re-checks the request and the user when a modal comes back: time has passed since the
 * click, and the modal opened before any approver check. Returns the open request, or why not.
 */
async function stillOpen(
  ctx: BotContext,
  target: DecisionTarget | undefined,
  userId: string,
): Promise<
  { state: ApprovalState; target: DecisionTarget; backupOnly?: true } | { problem: string }
> {
  const state = target ? await ctx.runDesk.getApproval(target.approvalId) : undefined;
  if (!target || !state) return { problem: "This request no longer exists." };
  if (state.status === "decided") return { problem: `Already decided — ${describeOutcome(state)}` };
  const verdict = await ctx.approvers.mayApprove(
    userId,
    await ctx.runDesk.getRun(state.request.runId),
    state.request,
  );
  if (!verdict.ok) return { problem: verdict.reason };
  return { state, target, ...(verdict.backupOnly ? { backupOnly: true as const } : {}) };
}

export function denyReasonSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const reason = valuesOf(view).reason?.trim();
    if (!reason)
      return void (await ack({
        response_action: "errors",
        errors: { reason: "Say why, so the agent can change course." },
      }));
    const open = await stillOpen(ctx, parseDecisionTarget(view.private_metadata), body.user.id);
    if ("problem" in open)
      return void (await ack({ response_action: "errors", errors: { reason: open.problem } }));
    await ack();
    await applyDecision(ctx, body.user, open.target.approvalId, { verdict: "deny", reason });
  };
}

/**
 * An approver's edit: validated like the model's own input, judged by the desktop's
 * policy (`judgeEdit`), refused inside the form with the reason, or recorded as the next
 * version carrying the editor's approval.
 */
export function editSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const field = Object.keys(view.state.values)[0] ?? "text";
    const refuse = (errors: Record<string, string>) => ack({ response_action: "errors", errors });
    const open = await stillOpen(ctx, parseDecisionTarget(view.private_metadata), body.user.id);
    if ("problem" in open) return void (await refuse({ [field]: open.problem }));
    const { state, target } = open;
    const edited = editedActionFrom(state, valuesOf(view));
    if (!edited.ok) return void (await refuse(edited.errors));
    const policy = await ctx.runDesk.desktopPolicy(state.request.desktop);
    const judgement = judgeEdit(state, target, edited.action, policy);
    switch (judgement.kind) {
      case "refused":
        return void (await refuse({ [field]: judgement.message }));
      case "approve":
        await ack();
        return applyDecision(ctx, body.user, target.approvalId, {
          verdict: "approve",
          version: judgement.version,
        });
      case "edit":
        await ack();
        return applyDecision(ctx, body.user, target.approvalId, judgement.decision);
    }
  };
}

/**
 * "Approve & allow similar…" submitted: the approval and the grant it carries, recorded
 * together; the grant starts once the request is approved (`GrantDecisions`).
 */
export function grantSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const refuse = (errors: Record<string, string>) => ack({ response_action: "errors", errors });
    const open = await stillOpen(ctx, parseDecisionTarget(view.private_metadata), body.user.id);
    if ("problem" in open) return void (await refuse({ kinds: open.problem }));
    if (!open.state.request.grantable)
      return void (await refuse({ kinds: "This step cannot be covered by a grant." }));
    // A grant outlives the request: a backup approver may decide this request only.
    if (open.backupOnly) return void (await refuse({ kinds: backupOnlyReason }));
    const form = grantTermsFrom(open.state, view.state.values as ViewStateValues);
    if (!form.ok) return void (await refuse(form.errors));
    await ack();
    await applyDecision(ctx, body.user, open.target.approvalId, {
      verdict: "approve",
      version: open.target.version,
      // Under four-eyes its maker may not approve runs they start: nor may the grant.
      grant: ctx.approvers.fourEyes ? { ...form.terms, fourEyes: true } : form.terms,
    });
  };
}

/** "Approve, holding back steps…" submitted: the plan approved except the steps picked. */
export function holdBackSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const refuse = (errors: Record<string, string>) => ack({ response_action: "errors", errors });
    const open = await stillOpen(ctx, parseDecisionTarget(view.private_metadata), body.user.id);
    if ("problem" in open) return void (await refuse({ steps: open.problem }));
    const form = heldBackFrom(open.state, view.state.values as ViewStateValues);
    if (!form.ok) return void (await refuse(form.errors));
    await ack();
    await applyDecision(ctx, body.user, open.target.approvalId, {
      verdict: "approve",
      version: open.target.version,
      holdBack: form.holdBack,
    });
  };
}
