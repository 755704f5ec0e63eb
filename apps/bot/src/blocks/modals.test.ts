import type { ApprovalRequest } from "@deskgate/contracts";
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

describe("edit modal", () => {
  it("offers text for typing and coordinates for clicks", () => {
    const typing = editModal({ ...base, action: { action: "type", text: "date" } }) as {
      blocks: Array<{ block_id?: string }>;
    };
    expect(typing.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(["text"]);
    const click = editModal({ ...base, action: { action: "left_click", coordinate: [5, 6] } }) as {
      blocks: Array<{ block_id?: string }>;
    };
    expect(click.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(["x", "y"]);
    expect(editModal({ ...base, action: { action: "screenshot" } })).toBeUndefined();
  });

  it("builds the edited action and refuses coordinates off the screen", () => {
    const request = {
      ...base,
      action: { action: "left_click" as const, coordinate: [5, 6] as [number, number] },
    };
    expect(editedActionFrom(request, { x: "100", y: "200" })).toEqual({
      ok: true,
      action: { action: "left_click", coordinate: [100, 200] },
    });
    expect(editedActionFrom(request, { x: "1280", y: "-1" })).toEqual({
      ok: false,
      errors: { x: "a whole number from 0 to 1279", y: "a whole number from 0 to 719" },
    });
    const typing = { ...base, action: { action: "type" as const, text: "date" } };
    expect(editedActionFrom(typing, { text: "date -u" })).toEqual({
      ok: true,
      action: { action: "type", text: "date -u" },
    });
    expect(editedActionFrom(typing, { text: "" })).toMatchObject({
      ok: false,
      errors: { text: expect.any(String) },
    });
  });
});
