import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
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

/** Re-checks the request and the user when a modal comes back: time has passed since the click. */
async function checkStillOpen(
  ctx: BotContext,
  approvalId: string,
  userId: string,
): Promise<string | undefined> {
  const state = await ctx.runDesk.getApproval(approvalId);
  if (!state) return "This request no longer exists.";
  if (state.status === "decided") return `Already decided — ${describeOutcome(state)}`;
  const verdict = await ctx.approvers.mayApprove(
    userId,
    await ctx.runDesk.getRun(state.request.runId),
  );
  return verdict.ok ? undefined : verdict.reason;
}

export function denyReasonSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const reason = valuesOf(view).reason?.trim();
    if (!reason)
      return void (await ack({
        response_action: "errors",
        errors: { reason: "Say why, so the agent can change course." },
      }));
    const problem = await checkStillOpen(ctx, view.private_metadata, body.user.id);
    if (problem)
      return void (await ack({ response_action: "errors", errors: { reason: problem } }));
    await ack();
    await applyDecision(ctx, body.user, view.private_metadata, { verdict: "deny", reason });
  };
}

export function editSubmitted(ctx: BotContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const state = await ctx.runDesk.getApproval(view.private_metadata);
    const problem = await checkStillOpen(ctx, view.private_metadata, body.user.id);
    if (problem || !state) {
      const field = Object.keys(view.state.values)[0] ?? "text";
      return void (await ack({
        response_action: "errors",
        errors: { [field]: problem ?? "This request no longer exists." },
      }));
    }
    const edited = editedActionFrom(state.request, valuesOf(view));
    if (!edited.ok) return void (await ack({ response_action: "errors", errors: edited.errors }));
    await ack();
    await applyDecision(ctx, body.user, view.private_metadata, {
      verdict: "approve",
      editedAction: edited.action,
    });
  };
}
