import {
  type ApprovalState,
  type ComputerAction,
  type DesktopInputState,
  type GrantTerms,
  grantTermsSchema,
} from "@deskgate/contracts";
import { planEffects, windowAt } from "@deskgate/effects";
import { type DecisionTarget, decisionTargetValue, viewIds } from "./action-ids.ts";
import { type Block, contextLine, oursSection, plain } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";
import { slackLimits } from "./fit-to-slack.ts";

/** The kinds a grant form offers, in people's words, each a group of effect kinds. */
const kindGroups = [
  { value: "clicks", label: "Clicks", kinds: ["left_click", "double_click", "triple_click"] },
  {
    value: "other_clicks",
    label: "Right and middle clicks",
    kinds: ["right_click", "middle_click"],
  },
  { value: "typing", label: "Typing text", kinds: ["type"] },
  {
    value: "keys",
    label: "Keys and shortcuts (Enter too, where no rule rates it high risk)",
    kinds: ["key"],
  },
  { value: "scrolling", label: "Scrolling", kinds: ["scroll"] },
  {
    value: "pointer",
    label: "Moving the pointer and dragging",
    kinds: ["mouse_move", "left_click_drag", "left_mouse_down", "left_mouse_up"],
  },
] as const;

const durations = [
  { value: "900000", label: "15 minutes" },
  { value: "1800000", label: "30 minutes" },
  { value: "3600000", label: "1 hour" },
  { value: "7200000", label: "2 hours" },
  { value: "14400000", label: "4 hours" },
  { value: "28800000", label: "8 hours" },
] as const;

/** The window one step reaches: under its click, else the focused one. */
function windowOfStep(
  action: ComputerAction,
  input: DesktopInputState | undefined,
): { className: string; title: string } | undefined {
  if (!input) return undefined;
  const point = planEffects(action, input).effects.find((e) => e.points)?.points?.[0];
  if (point) return windowAt(input, point) ?? undefined;
  return input.window;
}

/**
 * The window the card's action (or every step of its plan) reaches; undefined when the
 * desktop cannot tell, or a plan's steps reach windows of different programs.
 */
export function windowOfRequest(
  state: ApprovalState,
): { className: string; title: string } | undefined {
  const { request } = state;
  const steps = request.plan ?? [{ action: request.action, input: request.input }];
  const windows = steps.map((step) => windowOfStep(step.action, step.input));
  const first = windows[0];
  if (!first || windows.some((w) => w?.className !== first.className)) return undefined;
  return windows.every((w) => w?.title === first.title) ? first : { ...first, title: "" };
}

/** The effect kinds of the card's action, or of every step of its plan. */
function kindsOnCard(state: ApprovalState): string[] {
  const { request } = state;
  const steps = request.plan ?? [{ action: request.action, input: request.input }];
  return steps.flatMap((step) =>
    step.input ? planEffects(step.action, step.input).effects.map((effect) => effect.kind) : [],
  );
}

const option = (value: string, text: string) => ({
  text: plain(text, 75),
  value,
});

/**
 * "Approve & allow similar…": approves the card's action and lets similar ones run
 * without asking — which kinds, in which window, for this run or the desktop, how long.
 * Offered only where a grant may cover the action (the gate says so: `grantable`).
 */
export function grantModal(state: ApprovalState, target: DecisionTarget): Block {
  const { request } = state;
  const description = describeAction(request.action, request.input);
  const kinds = kindsOnCard(state);
  const groups = kindGroups.map((group) => option(group.value, group.label));
  const initial = kindGroups
    .filter((group) => kinds.some((kind) => group.kinds.some((granted) => granted === kind)))
    .map((group) => option(group.value, group.label));
  const window = windowOfRequest(state);
  const places = window?.className
    ? [
        option("class", `Only in ${window.className} windows`),
        ...(window.title
          ? [option("title", `Only in ${window.className} windows with this title`)]
          : []),
        option("any", "In any window"),
      ]
    : [option("any", "In any window (the desktop cannot tell its windows apart)")];
  const blocks: Block[] = [
    oursSection(
      request.plan
        ? `*Approve the plan of ${request.plan.length} steps from step ${request.step}*`
        : `*Approve step ${request.step}:* ${description.title}`,
    ),
    contextLine([
      {
        ours: "…and let similar actions run without asking while the grant lasts. Never covered: anything a deny rule refuses, high-risk actions, and rules that need more than one approver. The grant is shown in the run's thread with a Revoke button.",
      },
    ]),
    {
      type: "input",
      block_id: "kinds",
      label: plain("What may run without asking", slackLimits.inputLabel),
      element: {
        type: "checkboxes",
        action_id: "value",
        options: groups,
        ...(initial.length > 0 ? { initial_options: initial } : {}),
      },
    },
    {
      type: "input",
      block_id: "where",
      label: plain("Where", slackLimits.inputLabel),
      element: {
        type: "radio_buttons",
        action_id: "value",
        options: places,
        initial_option: places[0],
      },
    },
  ];
  if (window?.title)
    blocks.push(
      contextLine([
        {
          // A title narrows a grant within its program; it keeps no other page out.
          ours: "The window's title now (its program chooses it, and a web page can set any title: it narrows the grant, it does not protect it):",
        },
        { outside: window.title },
      ]),
    );
  const scopes = [
    option("run", "This run only"),
    option("desktop", `Every run on ${request.desktop}`),
  ];
  blocks.push(
    {
      type: "input",
      block_id: "scope",
      label: plain("For", slackLimits.inputLabel),
      element: {
        type: "radio_buttons",
        action_id: "value",
        options: scopes,
        initial_option: scopes[0],
      },
    },
    {
      type: "input",
      block_id: "duration",
      label: plain("For how long", slackLimits.inputLabel),
      element: {
        type: "static_select",
        action_id: "value",
        options: durations.map((d) => option(d.value, d.label)),
        initial_option: option(durations[1].value, durations[1].label),
      },
    },
  );
  return {
    type: "modal",
    callback_id: viewIds.grant,
    private_metadata: decisionTargetValue(target),
    title: plain("Approve & allow similar", slackLimits.modalTitle),
    submit: plain("Approve & grant", slackLimits.modalButton),
    close: plain("Cancel", slackLimits.modalButton),
    blocks,
  };
}

/** `view.state.values` as Slack sends it. */
export type ViewStateValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: Array<{ value: string }>;
    }
  >
>;

export type GrantFormResult =
  | { ok: true; terms: GrantTerms }
  | { ok: false; errors: Record<string, string> };

/**
 * The submitted grant form → the grant's terms. The window's class and title come from
 * the request as stored (what the approver saw), never from the form. Pure.
 */
export function grantTermsFrom(state: ApprovalState, values: ViewStateValues): GrantFormResult {
  const picked = (block: string) => values[block]?.value?.selected_option?.value;
  const ticked = values.kinds?.value?.selected_options?.map((o) => o.value) ?? [];
  const kinds = kindGroups.filter((group) => ticked.includes(group.value)).flatMap((g) => g.kinds);
  if (kinds.length === 0)
    return { ok: false, errors: { kinds: "Pick at least one kind of action." } };
  const where = picked("where") ?? "any";
  const window = windowOfRequest(state);
  if (where !== "any" && !window?.className)
    return {
      ok: false,
      errors: { where: "The desktop cannot tell this window apart; pick any window." },
    };
  const parsed = grantTermsSchema.safeParse({
    kinds,
    scope: picked("scope") ?? "run",
    durationMs: Number(picked("duration") ?? durations[1].value),
    ...(where !== "any" && window
      ? {
          window: {
            className: window.className,
            ...(where === "title" && window.title
              ? { titleContains: window.title.slice(0, 200) }
              : {}),
          },
        }
      : {}),
  });
  if (!parsed.success)
    return { ok: false, errors: { duration: "Pick one of the listed durations." } };
  return { ok: true, terms: parsed.data };
}

/** The grant in words, for its thread message (no outside text: the title goes separately). */
export function describeGrantKinds(kinds: readonly string[]): string {
  return kindGroups
    .filter((group) => group.kinds.some((kind) => kinds.includes(kind)))
    .map((group) => group.label.replace(/ \(.*\)$/, "").toLowerCase())
    .join(", ");
}
