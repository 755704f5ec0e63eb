import {
  type ApprovalRequest,
  type ComputerAction,
  computerActionSchema,
  formatIssues,
} from "@deskgate/contracts";
import { viewIds } from "./action-ids.ts";
import type { Block } from "./approval-card.ts";
import { describeAction } from "./describe-action.ts";

const input = (blockId: string, label: string, initial: string, multiline = false): Block => ({
  type: "input",
  block_id: blockId,
  label: { type: "plain_text", text: label },
  element: { type: "plain_text_input", action_id: "value", initial_value: initial, multiline },
});

export function denyReasonModal(request: ApprovalRequest): Block {
  return {
    type: "modal",
    callback_id: viewIds.denyReason,
    private_metadata: request.approvalId,
    title: { type: "plain_text", text: "Deny with a reason" },
    submit: { type: "plain_text", text: "Deny" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `*Step ${request.step}:* ${describeAction(request.action)}` },
      },
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

export function editModal(request: ApprovalRequest): Block | undefined {
  const fields = editableFields(request.action);
  if (fields.length === 0) return undefined;
  const screen = request.screen
    ? ` on a ${request.screen.width}×${request.screen.height} screen`
    : "";
  return {
    type: "modal",
    callback_id: viewIds.edit,
    private_metadata: request.approvalId,
    title: { type: "plain_text", text: "Edit and approve" },
    submit: { type: "plain_text", text: "Approve edited" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*Step ${request.step} proposed:* ${describeAction(request.action)}${screen}`,
        },
      },
      ...fields,
    ],
  };
}

export type EditResult =
  | { ok: true; action: ComputerAction }
  | { ok: false; errors: Record<string, string> };

/** The submitted fields → the edited action, checked like the model's own input. Pure. */
export function editedActionFrom(
  request: ApprovalRequest,
  values: Record<string, string | undefined>,
): EditResult {
  const errors: Record<string, string> = {};
  const number = (field: string, limit: number | undefined): number | undefined => {
    const raw = values[field];
    if (raw === undefined) return undefined;
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < 0 || (limit !== undefined && value >= limit)) {
      errors[field] =
        limit === undefined ? "a whole number ≥ 0" : `a whole number from 0 to ${limit - 1}`;
    }
    return value;
  };
  const width = request.screen?.width;
  const height = request.screen?.height;
  const candidate: Record<string, unknown> = { ...request.action };
  if (values.text !== undefined) candidate.text = values.text;
  if (values.x !== undefined || values.y !== undefined)
    candidate.coordinate = [number("x", width), number("y", height)];
  if (values.start_x !== undefined || values.start_y !== undefined) {
    candidate.start_coordinate = [number("start_x", width), number("start_y", height)];
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = computerActionSchema.safeParse(candidate);
  if (!parsed.success)
    return {
      ok: false,
      errors: { [values.text !== undefined ? "text" : "x"]: formatIssues(parsed.error) },
    };
  return { ok: true, action: parsed.data };
}
