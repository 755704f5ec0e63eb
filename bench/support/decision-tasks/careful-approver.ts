import { planEffects } from "@deskgate/effects";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, type PostedMessage, viewSubmission } from "@deskgate/test-support/fake-slack";
import { actionIds, viewIds } from "../../../apps/bot/src/blocks/action-ids.ts";
import type { ApproverDesk, ApproverStrategy } from "./approver-strategy.ts";
import { cardButtons } from "./card-buttons.ts";
import type { ScriptedAction } from "./decision-task.ts";

/**
 * Keys the careful policy (infra/policy/example-policy.yaml) always asks about on their
 * own — Enter after typing, closing, deleting for good — so a grant never covers them and
 * a careful person need not leave keys out of one for their sake.
 */
const alwaysAskedKeys = new Set([
  "Return",
  "KP_Enter",
  "alt+F4",
  "ctrl+w",
  "ctrl+q",
  "shift+Delete",
]);

/** The grant form's kind groups (apps/bot/src/blocks/grant-modal.ts) and what they hold. */
const kindGroups: Record<string, readonly string[]> = {
  clicks: ["left_click", "double_click", "triple_click"],
  other_clicks: ["right_click", "middle_click"],
  typing: ["type"],
  keys: ["key"],
  scrolling: ["scroll"],
  pointer: ["mouse_move", "left_click_drag", "left_mouse_down", "left_mouse_up"],
};

/**
 * A careful person who knows what the task is for (which of its steps have consequences,
 * as a person reading the card's numbered steps and marked screenshot would):
 * - a plan card with no consequential step: "Approve all", or "Approve all & allow
 *   similar…" when a grant can safely cover what follows;
 * - a plan card with consequential steps: "Step 1 only" when the first is one, else
 *   "Approve, holding back" those steps, so each gets a card of its own;
 * - a single card: Approve when it is consequential; otherwise "Approve & allow similar…"
 *   with every kind of action no later consequential step is of (keys the policy always
 *   asks about do not count), in this window, for this run;
 * One decision per card, whichever it is.
 */
export const carefulApprover: ApproverStrategy = {
  name: "careful: plans, hold-backs and grants",
  async respond(card: PostedMessage, desk: ApproverDesk): Promise<number> {
    const value = cardButtons(card).find((b) => b.actionId === actionIds.approve)?.value;
    if (!value) throw new Error(`card ${card.ts} has no Approve button`);
    const steps = stepsOf(card);
    const consequential = steps.filter((step) => desk.script[step - 1]?.consequential);
    const grantable = cardButtons(card).some((b) => b.actionId === actionIds.allowSimilar);
    const kinds = safeGrantKinds(desk.script, steps.at(-1)!);
    const click = (
      actionId: string,
      extra: Parameters<typeof blockAction>[0]["select"] = undefined,
    ) =>
      desk.slack.send({
        type: "interactive",
        payload: blockAction({
          actionId,
          value: extra ? `${value}#1` : value,
          userId: desk.approvers[0]!,
          messageTs: card.ts,
          ...(card.threadTs ? { threadTs: card.threadTs } : {}),
          ...(extra ? { select: extra } : {}),
        }),
      });
    const about = steps.length > 1 ? `plan ${steps[0]}–${steps.at(-1)}` : `step ${steps[0]}`;
    if (steps.length > 1 && consequential[0] === steps[0]) {
      desk.note?.(`${about}: Step 1 only`);
      await click(actionIds.approveThrough, { text: "Step 1 only" });
    } else if (steps.length > 1 && consequential.length > 0) {
      const positions = consequential.map((step) => String(step - steps[0]! + 1));
      desk.note?.(`${about}: Approve, holding back ${consequential.join(", ")}`);
      await submitForm(desk, card, value, actionIds.holdBack, viewIds.holdBack, {
        steps: { value: { chosen: positions } },
      });
    } else if (consequential.length === 0 && grantable && kinds.length > 0) {
      desk.note?.(`${about}: Approve & allow similar (${kinds.join(", ")}; this window; run)`);
      await submitForm(desk, card, value, actionIds.allowSimilar, viewIds.grant, {
        kinds: { value: { checked: kinds } },
        where: { value: { picked: "class", kind: "radio_buttons" } },
        scope: { value: { picked: "run", kind: "radio_buttons" } },
        duration: { value: { picked: "3600000", kind: "static_select" } },
      });
    } else {
      desk.note?.(`${about}: Approve${steps.length > 1 ? " all" : ""}`);
      await click(actionIds.approve);
    }
    await waitFor(() => JSON.stringify(current(desk, card).blocks).includes("Approved by"), {
      timeoutMs: 15_000,
      what: `the card ${card.ts} to show the approval`,
    });
    return 1;
  },
};

/** The run steps a card is about: a plan's range, or its one step. */
function stepsOf(card: PostedMessage): number[] {
  const text = JSON.stringify(card.blocks);
  const plan = /Plan · (\d+) steps \((\d+)–(\d+)\)/.exec(text);
  if (plan) return range(Number(plan[2]), Number(plan[3]));
  const single = /\*Step (\d+) ·/.exec(text);
  if (!single) throw new Error(`card ${card.ts} names no step`);
  return [Number(single[1])];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The grant form's kind groups no consequential step after `after` falls in (its effects
 * judged on an empty line, pointer at the origin: only their kinds matter here).
 */
function safeGrantKinds(script: readonly ScriptedAction[], after: number): string[] {
  const later = script.slice(after).filter((scripted) => scripted.consequential);
  const risky = new Set(
    later
      .filter(({ action }) => !(action.action === "key" && alwaysAskedKeys.has(action.text)))
      .flatMap(({ action }) =>
        planEffects(action, {
          leftButtonHeld: false,
          line: "",
          lineUnknown: false,
          pointer: [0, 0],
        })
          .effects.filter((effect) => effect.changesDesktop)
          .map((effect) => effect.kind as string),
      ),
  );
  return Object.entries(kindGroups)
    .filter(([, kinds]) => !kinds.some((kind) => risky.has(kind)))
    .map(([group]) => group);
}

/** Opens a card's form (within the trigger id's 3 s) and submits it as filled. */
async function submitForm(
  desk: ApproverDesk,
  card: PostedMessage,
  value: string,
  actionId: string,
  callbackId: string,
  values: Parameters<typeof viewSubmission>[0]["values"],
): Promise<void> {
  const opened = desk.slack.webApi.callsOf("views.open").length;
  await desk.slack.send({
    type: "interactive",
    payload: blockAction({ actionId, value, userId: desk.approvers[0]!, messageTs: card.ts }),
  });
  await waitFor(() => desk.slack.webApi.callsOf("views.open").length > opened, {
    timeoutMs: 10_000,
    what: `the form behind ${actionId}`,
  });
  await desk.slack.send({
    type: "interactive",
    payload: viewSubmission({
      callbackId,
      userId: desk.approvers[0]!,
      privateMetadata: value,
      values,
    }),
  });
}

function current(desk: ApproverDesk, card: PostedMessage): PostedMessage {
  return desk.slack.webApi.messages.get(card.ts) ?? card;
}
