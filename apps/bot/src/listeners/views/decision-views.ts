import { type ApprovalState, currentVersion, initialInputState } from "@deskgate/contracts";
import { actionFingerprint } from "@deskgate/effects";
import { authorizeAction } from "@deskgate/policy";
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { type DecisionTarget, parseDecisionTarget } from "../../blocks/action-ids.ts";
import { describeOutcome } from "../../blocks/describe-outcome.ts";
import { editedActionFrom } from "../../blocks/modals.ts";
import type { BotContext } from "../../bot-context.ts";
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
): Promise<{ state: ApprovalState; target: DecisionTarget } | { problem: string }> {
  const state = target ? await ctx.runDesk.getApproval(target.approvalId) : undefined;
  if (!target || !state) return { problem: "This request no longer exists." };
  if (state.status === "decided") return { problem: `Already decided — ${describeOutcome(state)}` };
  const verdict = await ctx.approvers.mayApprove(
    userId,
    await ctx.runDesk.getRun(state.request.runId),
  );
  return verdict.ok ? { state, target } : { problem: verdict.reason };
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
 * An approver's edit: checked like the model's own proposal (validation, then the
 * desktop's policy against the same desktop state), refused inside the form with the
 * reason, or recorded as the next version carrying the editor's approval. The number of
 * approvers it needs is never below the proposal's, and rises if the policy asks more of
 * the edited action. The worker authorises it once more right before it runs.
 */
export function editSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const values = valuesOf(view);
    const field = Object.keys(view.state.values)[0] ?? "text";
    const refuse = (errors: Record<string, string>) => ack({ response_action: "errors", errors });
    const open = await stillOpen(ctx, parseDecisionTarget(view.private_metadata), body.user.id);
    if ("problem" in open) return void (await refuse({ [field]: open.problem }));
    const { state, target } = open;
    if (target.version !== currentVersion(state).number)
      return void (await refuse({
        [field]: `Someone changed this action after you opened the form (it is now version ${currentVersion(state).number}). Close this and look at the card again.`,
      }));
    const edited = editedActionFrom(state, values);
    if (!edited.ok) return void (await refuse(edited.errors));
    const fingerprint = actionFingerprint(edited.action);
    if (fingerprint === currentVersion(state).fingerprint) {
      await ack();
      await applyDecision(ctx, body.user, target.approvalId, {
        verdict: "approve",
        version: target.version,
      });
      return;
    }
    const { request } = state;
    const policy = await ctx.runDesk.desktopPolicy(request.desktop);
    const authorization = policy
      ? authorizeAction(
          edited.action,
          { desktop: request.desktop, input: request.input ?? initialInputState },
          policy,
        )
      : undefined;
    if (authorization?.kind === "deny")
      return void (await refuse({
        [field]: `Policy rule "${authorization.ruleId}" refuses this: ${authorization.reason}`,
      }));
    const asked = authorization?.kind === "ask" ? authorization.requiredApprovals : 0;
    await ack();
    await applyDecision(ctx, body.user, target.approvalId, {
      verdict: "edit",
      basedOn: target.version,
      action: edited.action,
      fingerprint,
      requiredApprovals: Math.max(request.requiredApprovals, asked),
      ...(authorization?.kind === "ask" && asked > request.requiredApprovals
        ? { ruleId: authorization.ruleId }
        : {}),
    });
  };
}
