import type { ApprovalState } from "@deskgate/contracts";
import { type DecisionTarget, decisionTargetValue, viewIds } from "./action-ids.ts";
import { type Block, contextLine, oursSection, plain } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";
import { slackLimits } from "./fit-to-slack.ts";
import type { ViewStateValues } from "./grant-modal.ts";
import { planOnCard } from "./plan-steps.ts";

/**
 * "Approve, holding back steps…" on a plan card: approve the plan, except the steps picked
 * here, which are asked about on their own when they come (a password typed, a Submit).
 * Step 1 is the card's own step: to decide it alone, use "Step 1 only". Undefined when
 * the card shows no plan.
 */
export function holdBackModal(state: ApprovalState, target: DecisionTarget): Block | undefined {
  const plan = planOnCard(state);
  if (!plan) return undefined;
  const options = plan.slice(1).map((step, index) => ({
    text: plain(
      `${index + 2}. Step ${step.step} · ${describeAction(step.action, step.input).title}`,
      75,
    ),
    value: String(index + 2),
  }));
  return {
    type: "modal",
    callback_id: viewIds.holdBack,
    private_metadata: decisionTargetValue(target),
    title: plain("Approve, holding back", slackLimits.modalTitle),
    submit: plain("Approve the rest", slackLimits.modalButton),
    close: plain("Cancel", slackLimits.modalButton),
    blocks: [
      oursSection(
        `*Approve the plan of ${plan.length} steps from step ${state.request.step}, except:*`,
      ),
      contextLine([
        {
          ours: "Each step you pick is asked about on its own card when it comes; the others run as approved, each checked again right before it runs.",
        },
      ]),
      {
        type: "input",
        block_id: "steps",
        label: plain("Ask me about these steps on their own", slackLimits.inputLabel),
        element: {
          type: "multi_static_select",
          action_id: "value",
          placeholder: plain("Pick steps", 150),
          options,
        },
      },
    ],
  };
}

export type HoldBackResult =
  | { ok: true; holdBack: number[] }
  | { ok: false; errors: Record<string, string> };

/** The submitted form → the plan positions held back (2…N). Pure. */
export function heldBackFrom(state: ApprovalState, values: ViewStateValues): HoldBackResult {
  const plan = planOnCard(state);
  const picked = values.steps?.value?.selected_options?.map((option) => Number(option.value)) ?? [];
  if (!plan) return { ok: false, errors: { steps: "This card no longer shows a plan." } };
  const valid = picked.filter((n) => Number.isInteger(n) && n >= 2 && n <= plan.length);
  if (valid.length === 0 || valid.length !== picked.length)
    return { ok: false, errors: { steps: "Pick at least one of the listed steps." } };
  return { ok: true, holdBack: [...new Set(valid)].sort((a, b) => a - b) };
}
