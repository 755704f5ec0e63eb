import type { ApprovalState, ComputerAction, DesktopInputState } from "@deskgate/contracts";
import { actionFingerprint, initialInputState } from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { grantModal, grantTermsFrom, type ViewStateValues } from "./grant-modal.ts";

const input: DesktopInputState = {
  ...initialInputState,
  window: { id: "22", title: "Internal wiki — Mozilla Firefox", className: "firefox" },
};
const action: ComputerAction = { action: "type", text: "notes" };
const state: ApprovalState = {
  request: {
    approvalId: "apr_run_abc123_1",
    runId: "run_abc123",
    step: 1,
    desktop: "desk-a",
    action,
    input,
    requestedAt: "2026-12-01T10:00:00.000Z",
    expiresAt: "2026-12-01T10:30:00.000Z",
    requiredApprovals: 1,
    expiryMode: "deny",
    grantable: true,
  },
  status: "pending",
  versions: [
    {
      number: 1,
      action,
      fingerprint: actionFingerprint(action),
      requiredApprovals: 1,
      at: "2026-12-01T10:00:00.000Z",
    },
  ],
  approvals: [],
};

const form = (fields: {
  kinds: string[];
  where?: string;
  scope?: string;
  duration?: string;
  className?: string;
}): ViewStateValues => ({
  kinds: { value: { selected_options: fields.kinds.map((value) => ({ value })) } },
  where: { value: { selected_option: { value: fields.where ?? "class" } } },
  scope: { value: { selected_option: { value: fields.scope ?? "run" } } },
  duration: { value: { selected_option: { value: fields.duration ?? "900000" } } },
  // Not a field of the form: a forged submission may carry it anyway.
  ...(fields.className ? { className: { value: { value: fields.className } } } : {}),
});

describe("the grant form", () => {
  it("says a title narrows but does not protect: the program (a web page) sets it", () => {
    const shown = JSON.stringify(grantModal(state, { approvalId: "apr_run_abc123_1", version: 1 }));
    expect(shown).toContain("Only in firefox windows with this title");
    expect(shown).toMatch(/a web page can set any title/);
  });

  it("takes the window from the request, never from the submission", () => {
    const result = grantTermsFrom(state, form({ kinds: ["typing"], className: "XTerm" }));
    expect(result).toMatchObject({ ok: true, terms: { window: { className: "firefox" } } });
  });

  it("ignores kinds it does not offer and refuses what nobody may grant", () => {
    expect(grantTermsFrom(state, form({ kinds: ["everything", "hold_key"] }))).toMatchObject({
      ok: false,
    });
    expect(grantTermsFrom(state, form({ kinds: ["typing"], duration: "86400000" }))).toMatchObject({
      ok: false,
    });
    expect(grantTermsFrom(state, form({ kinds: ["typing"], scope: "everywhere" }))).toMatchObject({
      ok: false,
    });
  });
});
