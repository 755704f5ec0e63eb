import type { ApprovalRequest, ApprovalState, ComputerAction } from "@deskgate/contracts";
import { actionFingerprint } from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { editedActionFrom, editModal } from "./modals.ts";

const base: Omit<ApprovalRequest, "action"> = {
  approvalId: "apr_run_abc123_1",
  runId: "run_abc123",
  step: 1,
  desktop: "desk-a",
  screen: { width: 1280, height: 720 },
  requestedAt: "2026-11-25T10:00:00.000Z",
  expiresAt: "2026-11-25T10:30:00.000Z",
  requiredApprovals: 1,
  expiryMode: "deny",
};

function pending(action: ComputerAction): ApprovalState {
  return {
    request: { ...base, action },
    status: "pending",
    versions: [
      {
        number: 1,
        action,
        fingerprint: actionFingerprint(action),
        requiredApprovals: 1,
        at: base.requestedAt,
      },
    ],
    approvals: [],
  };
}

const target = { approvalId: base.approvalId, version: 1 };
type Modal = { private_metadata: string; blocks: Array<{ block_id?: string }> };

describe("edit modal", () => {
  it("offers text for typing and coordinates for clicks, and names the version it edits", () => {
    const typing = editModal(pending({ action: "type", text: "date" }), target) as Modal;
    expect(typing.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(["text"]);
    expect(typing.private_metadata).toBe("apr_run_abc123_1@1");
    const click = editModal(pending({ action: "left_click", coordinate: [5, 6] }), target) as Modal;
    expect(click.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(["x", "y"]);
    expect(editModal(pending({ action: "screenshot" }), target)).toBeUndefined();
  });

  it("builds the edited action and checks it like the model's own input", () => {
    const click = pending({ action: "left_click", coordinate: [5, 6] });
    expect(editedActionFrom(click, { x: "100", y: "200" })).toEqual({
      ok: true,
      action: { action: "left_click", coordinate: [100, 200] },
    });
    expect(editedActionFrom(click, { x: "1280", y: "5" })).toEqual({
      ok: false,
      errors: { x: expect.stringMatching(/outside the 1280×720 screen/) },
    });
    expect(editedActionFrom(click, { x: "-1", y: "5" })).toEqual({
      ok: false,
      errors: { x: "a whole number ≥ 0" },
    });
    const typing = pending({ action: "type", text: "date" });
    expect(editedActionFrom(typing, { text: "date -u" })).toEqual({
      ok: true,
      action: { action: "type", text: "date -u" },
    });
    for (const text of ["", "ls\u001b[A", "ls\u0003", "ls\r", "a\ud800"])
      expect(editedActionFrom(typing, { text })).toMatchObject({
        ok: false,
        errors: { text: expect.any(String) },
      });
    const key = pending({ action: "key", text: "ctrl+s" });
    expect(editedActionFrom(key, { text: "ctrl+Shft+s" })).toEqual({
      ok: false,
      errors: { text: expect.stringMatching(/unknown key 'Shft'/) },
    });
  });
});
