import { AppError } from "@deskgate/core";
import { describe, expect, it } from "vitest";
import {
  auditEventTypes,
  checkRunId,
  maxInputSummaryLength,
  parseAuditEvent,
  summarizeInput,
} from "./audit-event.ts";
import { sampleAuditEvents } from "./testing/sample-audit-events.ts";

const runId = "run_abc123";

function problemOf(input: unknown): AppError {
  try {
    parseAuditEvent(input, "audit_event_invalid");
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the event to be refused");
}

describe("audit events", () => {
  it("parses one sample of every event type and survives JSON", () => {
    const samples = sampleAuditEvents(runId);
    expect(new Set(samples.map((event) => event.type))).toEqual(new Set(auditEventTypes));
    for (const event of samples) {
      expect(parseAuditEvent(JSON.parse(JSON.stringify(event)), "x")).toEqual(event);
    }
  });

  it.each([
    [
      {
        type: "approval.granted",
        runId,
        at: "2026-11-25T10:00:00Z",
        approvalId: "apr_abc123_1",
        step: 1,
        approvers: [],
      },
      /approvers: .*latencyMs: /,
    ],
    [
      {
        type: "action.executed",
        runId,
        at: "yesterday",
        step: 1,
        action: { action: "screenshot" },
        ok: true,
        durationMs: 1,
      },
      /^invalid audit event: at: /,
    ],
    [
      {
        type: "approval.expired",
        runId,
        at: "2026-11-25T10:00:00Z",
        approvalId: "apr_abc123_1",
        step: 1,
        mode: "forever",
      },
      /mode: /,
    ],
    [{ type: "run.exploded", runId, at: "2026-11-25T10:00:00Z" }, /type: /],
    [
      { type: "run.started", runId: "nope", at: "2026-11-25T10:00:00Z", desktop: "d", model: "m" },
      /runId: must look like run_/,
    ],
  ])("refuses %j naming the field", (input, pattern) => {
    const error = problemOf(input);
    expect(error.code).toBe("audit_event_invalid");
    expect(error.message).toMatch(pattern);
  });

  it("summarizes a rejected input as JSON, shortened to fit the event", () => {
    expect(summarizeInput({ action: "teleport" })).toBe('{"action":"teleport"}');
    const long = summarizeInput({ action: "type", text: "x".repeat(2_000) });
    expect(long).toHaveLength(maxInputSummaryLength);
    expect(long.endsWith("…")).toBe(true);
    const event = { type: "action.rejected_invalid", runId, at: "2026-11-25T10:00:00Z", step: 1 };
    expect(
      parseAuditEvent({ ...event, input: long, message: "m" }, "audit_event_invalid").type,
    ).toBe("action.rejected_invalid");
    expect(problemOf({ ...event, input: `${long}xx`, message: "m" }).message).toMatch(/input: /);
  });

  it("refuses run ids that would make odd Redis keys", () => {
    expect(() => checkRunId("run_abc123")).not.toThrow();
    expect(() => checkRunId("run_x:*")).toThrow(/run id/);
  });
});
