import { type ApprovalState, type ComputerAction, currentVersion } from "@deskgate/contracts";
import { validateAction } from "@deskgate/effects";
import { cutShownText, showText } from "../slack-text/show-text.ts";
import { type DecisionTarget, decisionTargetValue, viewIds } from "./action-ids.ts";
import { type Block, contextLine, oursSection, outsideSection, plain } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";
import { slackLimits } from "./fit-to-slack.ts";

/** What the version on the card does: deskgate's words, then the typed text in full, as shown. */
function actionBlocks(state: ApprovalState, heading: string): Block[] {
  const description = describeAction(currentVersion(state).action, state.request.input);
  const blocks: Block[] = [oursSection(`*${heading}:* ${description.title}`)];
  if (description.typed !== undefined) {
    // A modal holds 100 blocks: the whole text fits in a few sections.
    let rest = showText(description.typed);
    while (rest.length > 0 && blocks.length < 40) {
      const part = cutShownText(rest, slackLimits.sectionText - 100);
      blocks.push(outsideSection(part.text));
      rest = rest.slice(part.text.length);
    }
  }
  if (description.notes.length > 0)
    blocks.push(contextLine([{ ours: description.notes.join(" ") }]));
  return blocks;
}

const input = (blockId: string, label: string, initial: string, multiline = false): Block => ({
  type: "input",
  block_id: blockId,
  label: plain(label, slackLimits.inputLabel),
  element: {
    type: "plain_text_input",
    action_id: "value",
    initial_value: initial,
    multiline,
    max_length: slackLimits.inputInitialValue,
  },
});

export function denyReasonModal(state: ApprovalState, target: DecisionTarget): Block {
  const { request } = state;
  return {
    type: "modal",
    callback_id: viewIds.denyReason,
    private_metadata: decisionTargetValue(target),
    title: plain("Deny with a reason", slackLimits.modalTitle),
    submit: plain("Deny", slackLimits.modalButton),
    close: plain("Cancel", slackLimits.modalButton),
    blocks: [
      ...actionBlocks(state, `Step ${request.step}, version ${target.version}`),
      {
        type: "input",
        block_id: "reason",
        label: { type: "plain_text", text: "Why? The agent reads this and changes course." },
        element: {
          type: "plain_text_input",
          action_id: "value",
          multiline: true,
          max_length: 2_000,
        },
      },
    ],
  };
}

/** The fields an approver may change, per action. */
function editableFields(action: ComputerAction): Block[] {
  const fields: Block[] = [];
  if (
    "text" in action &&
    action.text !== undefined &&
    action.text.length <= slackLimits.inputInitialValue &&
    (action.action === "type" || action.action === "key" || action.action === "hold_key")
  ) {
    fields.push(
      input(
        "text",
        action.action === "type" ? "Text to type" : "Keys (e.g. ctrl+s)",
        action.text,
        action.action === "type",
      ),
    );
  }
  if (action.action === "left_click_drag") {
    fields.push(
      input("start_x", "From x", String(action.start_coordinate[0])),
      input("start_y", "From y", String(action.start_coordinate[1])),
    );
  }
  if ("coordinate" in action && action.coordinate) {
    fields.push(
      input("x", "x", String(action.coordinate[0])),
      input("y", "y", String(action.coordinate[1])),
    );
  }
  return fields;
}

/** The edit form for the version the card shows; undefined when nothing can be edited. */
export function editModal(state: ApprovalState, target: DecisionTarget): Block | undefined {
  const { request } = state;
  const action = currentVersion(state).action;
  const fields = editableFields(action);
  if (fields.length === 0) return undefined;
  const screen = request.screen
    ? `Coordinates are on the ${request.screen.width}×${request.screen.height} screen of the card's screenshot. `
    : "";
  return {
    type: "modal",
    callback_id: viewIds.edit,
    private_metadata: decisionTargetValue(target),
    title: plain("Edit and approve", slackLimits.modalTitle),
    submit: plain("Approve edited", slackLimits.modalButton),
    close: plain("Cancel", slackLimits.modalButton),
    blocks: [
      ...actionBlocks(state, `Step ${request.step}, version ${target.version}`),
      contextLine([
        {
          ours: `${screen}Your edit becomes a new version with your approval; teammates who approved the old one must approve it again. It is checked like the model's own proposal.`,
        },
      ]),
      ...fields,
    ],
  };
}

export type EditResult =
  | { ok: true; action: ComputerAction }
  | { ok: false; errors: Record<string, string> };

/**
 * The submitted fields → the edited action, checked exactly like the model's own input
 * (`validateAction`: screen bounds, key names, control characters, well-formed text).
 * Problems are keyed by the form field they belong to. Pure.
 */
export function editedActionFrom(
  state: ApprovalState,
  values: Record<string, string | undefined>,
): EditResult {
  const { request } = state;
  const errors: Record<string, string> = {};
  const number = (field: string): number | undefined => {
    const raw = values[field];
    if (raw === undefined) return undefined;
    const value = Number(raw.trim());
    if (raw.trim() === "" || !Number.isInteger(value) || value < 0)
      errors[field] = "a whole number ≥ 0";
    return value;
  };
  const candidate: Record<string, unknown> = { ...currentVersion(state).action };
  if (values.text !== undefined) candidate.text = values.text;
  if (values.x !== undefined || values.y !== undefined)
    candidate.coordinate = [number("x"), number("y")];
  if (values.start_x !== undefined || values.start_y !== undefined)
    candidate.start_coordinate = [number("start_x"), number("start_y")];
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const screen = request.screen ?? {
    width: Number.MAX_SAFE_INTEGER,
    height: Number.MAX_SAFE_INTEGER,
  };
  const checked = validateAction(candidate, screen);
  if (checked.ok) return { ok: true, action: checked.action };
  return { ok: false, errors: { [fieldOf(checked.message, values)]: checked.message } };
}

/** The form field a validation message is about. */
function fieldOf(message: string, values: Record<string, string | undefined>): string {
  if (/^start_coordinate/.test(message) && values.start_x !== undefined) return "start_x";
  if (/coordinate/.test(message) && values.x !== undefined) return "x";
  return values.text !== undefined ? "text" : (Object.keys(values)[0] ?? "text");
}
