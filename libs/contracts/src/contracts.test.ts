import { describe, expect, it } from "vitest";
import { approvalStateSchema, decisionSchema } from "./approval.ts";
import { computerActionNames, computerActionSchema } from "./computer-action.ts";
import { desktopRunQueueName, jobCatalog } from "./job-catalog.ts";
import { parseContract, parseOrThrow } from "./parse-result.ts";
import { runEventSchema } from "./run-event.ts";
import { runRequestSchema } from "./run-request.ts";

const runRequest = {
  runId: "run_abc123",
  task: "open a terminal and print the date",
  requester: { userId: "U123" },
  channel: "C123",
  requestedAt: "2026-11-25T10:00:00.000Z",
};

describe("run request", () => {
  it("accepts a complete request and trims the task", () => {
    const parsed = parseOrThrow(
      runRequestSchema,
      { ...runRequest, task: "  print the date  " },
      "run request",
    );
    expect(parsed.task).toBe("print the date");
  });

  it("names every bad field in one message", () => {
    const result = parseContract(
      runRequestSchema,
      { ...runRequest, task: "   ", requester: {}, desktop: "Bad Name" },
      "run request",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^invalid run request: /);
    expect(result.message).toMatch(/task: the task is empty/);
    expect(result.message).toMatch(/requester\.userId: /);
    expect(result.message).toMatch(/desktop: lower-case letters/);
  });
});

describe("computer actions", () => {
  it("parses every action of the tool", () => {
    const samples = [
      { action: "key", text: "ctrl+s" },
      { action: "type", text: "hello" },
      { action: "mouse_move", coordinate: [1, 2] },
      { action: "left_click", coordinate: [1, 2], text: "shift" },
      { action: "right_click" },
      { action: "middle_click", coordinate: [3, 4] },
      { action: "double_click", coordinate: [3, 4] },
      { action: "triple_click", coordinate: [3, 4] },
      { action: "left_click_drag", start_coordinate: [1, 1], coordinate: [9, 9] },
      { action: "left_mouse_down" },
      { action: "left_mouse_up", coordinate: [5, 5] },
      { action: "scroll", coordinate: [5, 5], scroll_direction: "down", scroll_amount: 3 },
      { action: "hold_key", text: "shift", duration: 1 },
      { action: "wait", duration: 0.5 },
      { action: "screenshot" },
      { action: "cursor_position" },
      { action: "zoom", region: [0, 0, 100, 50] },
    ];
    const parsed = samples.map((sample) => computerActionSchema.parse(sample).action);
    expect(new Set(parsed)).toEqual(new Set(computerActionNames));
  });

  it.each([
    [{ action: "teleport" }, /action/],
    [{ action: "left_click", coordinate: [-1, 5] }, /coordinate\.0/],
    [{ action: "type", text: "" }, /text/],
    [{ action: "scroll", scroll_direction: "down", scroll_amount: -2 }, /scroll_amount/],
    [{ action: "zoom", region: [10, 10, 5, 20] }, /region must be/],
    [{ action: "mouse_move", coordinate: [1.5, 2] }, /coordinate\.0/],
    [{ action: "type", text: "x".repeat(10_001) }, /text/],
  ])("rejects %j naming the field", (input, pattern) => {
    const result = parseContract(computerActionSchema, input, "action");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(pattern);
  });
});

describe("decisions and approval state", () => {
  it("requires who decided, when, and for which version", () => {
    const result = parseContract(decisionSchema, { verdict: "approve" }, "decision");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/by: .*; at: .*; version: /);
  });

  it("round-trips a decided approval through JSON", () => {
    const state = {
      request: {
        approvalId: "apr_run_abc123_1",
        runId: "run_abc123",
        step: 1,
        desktop: "desktop-1",
        action: { action: "left_click", coordinate: [10, 20] },
        requestedAt: "2026-11-25T10:00:00.000Z",
        expiresAt: "2026-11-25T10:30:00.000Z",
        requiredApprovals: 2,
        expiryMode: "park",
      },
      status: "decided",
      versions: [
        {
          number: 1,
          action: { action: "left_click", coordinate: [10, 20] },
          fingerprint: "f".repeat(64),
          requiredApprovals: 2,
          at: "2026-11-25T10:00:00.000Z",
        },
      ],
      approvals: [{ by: { userId: "U1" }, at: "2026-11-25T10:01:00.000Z", version: 1 }],
      outcome: {
        status: "denied",
        by: { userId: "U2" },
        at: "2026-11-25T10:02:00.000Z",
        reason: "wrong window",
      },
    };
    expect(approvalStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });
});

describe("run events and the job catalog", () => {
  it("validates each job payload with its catalog schema", () => {
    expect(jobCatalog["agent.run"].safeParse(runRequest).success).toBe(true);
    expect(
      jobCatalog["approval.expire"].safeParse({ approvalId: "nope", runId: "run_abc123" }).success,
    ).toBe(false);
  });

  it("rejects an event of an unknown type", () => {
    const result = parseContract(
      runEventSchema,
      { type: "run.exploded", runId: "run_abc123", at: runRequest.requestedAt },
      "event",
    );
    expect(result.ok).toBe(false);
  });

  it("parses a finished run with its summary", () => {
    const event = runEventSchema.parse({
      type: "run.finished",
      runId: "run_abc123",
      at: runRequest.requestedAt,
      summary: {
        steps: 3,
        approved: 2,
        denied: 1,
        autoApproved: 4,
        durationMs: 1000,
        usage: {
          inputTokens: 1,
          outputTokens: 2,
          cacheReadInputTokens: 0,
          cacheCreationInputTokens: 0,
        },
        endReason: "the model finished",
      },
    });
    expect(event.type).toBe("run.finished");
  });

  it("refuses desktop names that would break a queue name", () => {
    expect(desktopRunQueueName("desktop-1")).toBe("runs.desktop-1");
    expect(() => desktopRunQueueName("a:b")).toThrow();
  });
});
