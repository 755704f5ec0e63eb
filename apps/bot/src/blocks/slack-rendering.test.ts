import {
  type ApprovalState,
  type ComputerAction,
  initialInputState,
  type RunRecord,
} from "@deskgate/contracts";
import { actionFingerprint, validateAction } from "@deskgate/effects";
import { checkMessageBlocks, checkView } from "@deskgate/test-support/fake-slack";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readShownText } from "../slack-text/show-text.ts";
import { approvalCard, fullTextFile } from "./approval-card.ts";
import { denyReasonModal, editModal } from "./modals.ts";
import { runRootMessage, runSummaryMessage, stepPieces, threadLine } from "./run-messages.ts";

/**
 * Text from outside deskgate — the model, a web page it read, an approver's reason, an
 * error — rendered into every message and modal: it never becomes a live mention, link or
 * formatting, never pushes a message past a Slack limit, and typed text is shown so that
 * the exact input can be read back from it.
 */
const marker = "QXZMARK";
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0CEO>",
    "<@U0CEO|ceo>",
    "<#C0SECRET>",
    "<https://evil.example|the docs>",
    "<!subteam^S0ALL>",
    "*Step 3 · Take a screenshot*",
    "> quoted\n",
    "&amp;&lt;",
    "\n",
    "\t",
    "\u202e",
    "\u200b",
    ":rotating_light:",
    "`code`",
    "```block```",
    "_i_ ~s~",
    "⟦U+0041⟧⏎",
  ),
  fc.constantFrom(
    "a\n".repeat(800),
    "x".repeat(5_000),
    "é".repeat(2_000),
    "😀".repeat(1_500),
    "<!channel>".repeat(300),
  ),
);
const outsideText = fc
  .array(hostile, { minLength: 1, maxLength: 6 })
  .map((parts) => `${marker}${parts.join("")}`);

const approvers = { anna: { userId: "U0ANNA" }, bob: { userId: "U0BOB" } };
const at = "2026-11-25T10:00:00.000Z";
const allowedToken = [
  /^<@U0(ANNA|BOB|REQ)>$/,
  /^<!date\^\d+\^\{time\}\|[0-9T:.Z-]+>$/,
  /^<http:\/\/desk\.example\.test:6080\/vnc\.html\|watch the desktop>$/,
];

function pendingState(action: ComputerAction, rationale: string): ApprovalState {
  return {
    request: {
      approvalId: "apr_run_prop00001_3",
      runId: "run_prop00001",
      step: 3,
      desktop: "desk-a",
      action,
      rationale,
      screenshotKey: "dg:screenshot:x",
      screen: { width: 1280, height: 800 },
      input: { ...initialInputState, pointer: [5, 5] },
      requestedAt: at,
      expiresAt: at,
      requiredApprovals: 2,
      expiryMode: "deny",
      ruleId: "typing-needs-two",
    },
    status: "pending",
    versions: [
      { number: 1, action, fingerprint: actionFingerprint(action), requiredApprovals: 2, at },
    ],
    approvals: [],
  };
}

function editedAndDenied(
  state: ApprovalState,
  edit: ComputerAction,
  reason: string,
): ApprovalState {
  return {
    ...state,
    status: "decided",
    versions: [
      ...state.versions,
      {
        number: 2,
        action: edit,
        fingerprint: actionFingerprint(edit),
        requiredApprovals: 2,
        at,
        editedBy: approvers.anna,
      },
    ],
    approvals: [{ by: approvers.anna, at, version: 2 }],
    outcome: { status: "denied", by: approvers.bob, at, reason },
  };
}

/** Every mrkdwn text object and every notification text of a message or view. */
function liveTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) liveTexts(item, out);
  else if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object.type === "mrkdwn" && typeof object.text === "string") out.push(object.text);
    for (const [key, child] of Object.entries(object))
      if (key !== "text" || typeof child !== "string") liveTexts(child, out);
  }
  return out;
}

function expectInert(message: { text?: string; blocks: unknown[] }) {
  for (const text of [...liveTexts(message.blocks), message.text ?? ""]) {
    for (const token of text.match(/<[^>]*>/g) ?? [])
      expect(
        allowedToken.some((pattern) => pattern.test(token)),
        `live token ${token}`,
      ).toBe(true);
  }
  // Outside text never sits in mrkdwn; in a notification text it is escaped.
  for (const text of liveTexts(message.blocks)) expect(text).not.toContain(marker);
  expect(checkMessageBlocks(message.blocks)).toEqual([]);
  expect((message.text ?? "").length).toBeLessThanOrEqual(40_000);
}

function typedShownOn(state: ApprovalState, card: { blocks: unknown[] }): string {
  const file = fullTextFile(state);
  if (file) return readShownText(file.content);
  const section = card.blocks[1] as { text: { type: string; text: string } };
  expect(section.text.type).toBe("plain_text");
  return readShownText(section.text.text);
}

describe("outside text in Slack", () => {
  it("never mentions, links or formats, never breaks a limit, and typed text reads back exactly", () => {
    const typedText = outsideText.filter(
      (text) => validateAction({ action: "type", text }, { width: 1, height: 1 }).ok,
    );
    fc.assert(
      fc.property(
        typedText,
        outsideText,
        outsideText,
        typedText,
        (typed, rationale, reason, edited) => {
          const action: ComputerAction = { action: "type", text: typed };
          const pending = pendingState(action, rationale.slice(0, 4_000));
          const card = approvalCard(pending, {
            desktopViewUrl: "http://desk.example.test:6080/vnc.html",
          });
          expectInert(card);
          expect(typedShownOn(pending, card)).toBe(typed);

          const editAction: ComputerAction = { action: "type", text: edited.slice(0, 3_000) };
          const decided = editedAndDenied(pending, editAction, reason.slice(0, 2_000));
          const decidedCard = approvalCard(decided);
          expectInert(decidedCard);
          expect(typedShownOn(decided, decidedCard)).toBe(editAction.text);

          for (const view of [
            denyReasonModal(pending, { approvalId: pending.request.approvalId, version: 1 }),
            editModal(pending, { approvalId: pending.request.approvalId, version: 1 }),
          ]) {
            if (!view) continue;
            expect(checkView(view)).toEqual([]);
            for (const text of liveTexts(view)) expect(text).not.toContain(marker);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps run messages and thread lines inert and within limits", () => {
    fc.assert(
      fc.property(outsideText, outsideText, outsideText, (task, finalText, failure) => {
        const run: RunRecord = {
          request: {
            runId: "run_prop00001",
            task: task.slice(0, 2_000),
            requester: { userId: "U0REQ" },
            channel: "C1",
            requestedAt: at,
          },
          status: "failed",
          step: 4,
          updatedAt: at,
          endReason: failure,
        };
        expectInert(runRootMessage(run));
        const summary = {
          steps: 4,
          approved: 1,
          denied: 1,
          autoApproved: 1,
          durationMs: 1_000,
          usage: {
            inputTokens: 1,
            outputTokens: 1,
            cacheReadInputTokens: 0,
            cacheCreationInputTokens: 0,
          },
          endReason: "the model finished",
          finalText,
        };
        expectInert(runSummaryMessage("finished", summary));
        expectInert(runSummaryMessage("failed", summary, { outside: failure }));
        expectInert(
          threadLine([...stepPieces(2, { action: "type", text: "ls\n" }), { outside: failure }]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("fits a rationale of 800 one-character lines, which quoting once pushed past 3,000", () => {
    const card = approvalCard(pendingState({ action: "type", text: "ls" }, "a\n".repeat(800)));
    expect(checkMessageBlocks(card.blocks)).toEqual([]);
  });
});
