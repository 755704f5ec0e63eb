import type { ComputerAction, DesktopWindow, Grant } from "@deskgate/contracts";
import {
  actionFingerprint,
  completionGap,
  type DesktopInputState,
  initialInputState,
} from "@deskgate/effects";
import { authorizeAction, parsePolicy } from "@deskgate/policy";
import { describe, expect, it } from "vitest";
import { type ActivePlan, checkPlanStep } from "./active-plan.ts";
import { coverableByOnePerson, grantCovers } from "./coverage.ts";
import { buildPlan, expectedInputAfter } from "./plan-builder.ts";

const terminal: DesktopWindow = {
  id: "11",
  title: "bash — build",
  className: "XTerm",
  rect: [0, 0, 640, 800],
};
const form: DesktopWindow = {
  id: "22",
  title: "Signup",
  className: "Tk",
  rect: [640, 0, 640, 800],
};
const focused = (w: DesktopWindow) => ({ id: w.id, title: w.title, className: w.className });
const input = (more: Partial<DesktopInputState> = {}): DesktopInputState => ({
  ...initialInputState,
  lineUnknown: false,
  windows: [terminal, form],
  window: focused(terminal),
  pointer: [10, 10],
  ...more,
});
const policy = parsePolicy(
  {
    rules: [
      { id: "look", match: { actions: ["screenshot", "zoom"] }, decision: "allow" },
      { id: "no-rm", match: { textMatches: "rm -rf" }, decision: "deny" },
      {
        id: "enter-after-typing",
        match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
        decision: "ask",
        risk: "high",
      },
      { id: "prod", match: { desktops: ["prod"] }, decision: "ask", approvers: 2 },
      { id: "rest", match: {}, decision: "ask" },
    ],
  },
  { approvalTimeoutMs: 60_000 },
);
const authorize = (action: ComputerAction, at: DesktopInputState, desktop = "desk-1") =>
  authorizeAction(action, { desktop, input: at }, policy);
const click = (x: number, y: number): ComputerAction => ({
  action: "left_click",
  coordinate: [x, y],
});
const now = new Date("2026-12-01T10:00:00Z");
const grant = (more: Partial<Grant> = {}): Grant => ({
  grantId: "grt_run_abc123_4",
  runId: "run_abc123",
  desktop: "desk-1",
  approvalId: "apr_run_abc123_4",
  step: 4,
  by: { userId: "U0BOB" },
  kinds: ["left_click", "type"],
  window: { className: "XTerm" },
  scope: "run",
  durationMs: 600_000,
  createdAt: now.toISOString(),
  until: new Date(now.getTime() + 600_000).toISOString(),
  ...more,
});
const covers = (g: Grant, action: ComputerAction, at = input(), runId = "run_abc123") =>
  grantCovers(g, authorize(action, at), { runId, desktop: "desk-1", now, input: at });

describe("what one person's standing decision may cover", () => {
  it("only single-approver asks below high risk with nothing a deny rule would refuse", () => {
    expect(coverableByOnePerson(authorize(click(5, 5), input()))).toBe(true);
    expect(coverableByOnePerson(authorize({ action: "screenshot" }, input()))).toBe(false);
    expect(coverableByOnePerson(authorize({ action: "type", text: "ls\n" }, input()))).toBe(false);
    expect(coverableByOnePerson(authorize(click(5, 5), input(), "prod"))).toBe(false);
    expect(coverableByOnePerson(authorize({ action: "type", text: "rm -rf /" }, input()))).toBe(
      false,
    );
  });
});

describe("grantCovers", () => {
  it("covers granted kinds in the granted window, for its run, until it ends", () => {
    expect(covers(grant(), click(100, 100))).toBe(true);
    expect(covers(grant(), { action: "type", text: "make" })).toBe(true);
    expect(covers(grant(), { action: "key", text: "ctrl+c" })).toBe(false);
    expect(
      covers(grant(), {
        action: "scroll",
        coordinate: [5, 5],
        scroll_direction: "down",
        scroll_amount: 2,
      }),
    ).toBe(false);
    expect(covers(grant(), click(100, 100), input(), "run_other1")).toBe(false);
    expect(covers(grant({ until: now.toISOString() }), click(100, 100))).toBe(false);
    expect(covers(grant({ scope: "desktop" }), click(100, 100), input(), "run_other1")).toBe(true);
  });

  it("made under four-eyes, never covers a run its maker started, nor one whose starter is unknown", () => {
    const fourEyes = grant({ scope: "desktop", fourEyes: true });
    const at = input();
    const coversRunOf = (requester: string | undefined) =>
      grantCovers(fourEyes, authorize(click(100, 100), at), {
        runId: "run_other1",
        desktop: "desk-1",
        now,
        input: at,
        requester,
      });
    expect(coversRunOf("U0CAROL")).toBe(true);
    expect(coversRunOf("U0BOB")).toBe(false);
    expect(coversRunOf(undefined)).toBe(false);
  });

  it("a click on another window, or keys while another window has the focus, is not covered", () => {
    expect(covers(grant(), click(900, 100))).toBe(false);
    expect(covers(grant(), { action: "type", text: "x" }, input({ window: focused(form) }))).toBe(
      false,
    );
    // A window the desktop cannot tell is not the granted one.
    expect(covers(grant(), click(100, 100), input({ windows: undefined }))).toBe(false);
  });

  it("the title, when granted, must still be in the window's title", () => {
    const titled = grant({ window: { className: "XTerm", titleContains: "build" } });
    expect(covers(titled, click(100, 100))).toBe(true);
    const renamed = { ...terminal, title: "root@prod" };
    expect(covers(titled, click(100, 100), input({ windows: [renamed, form] }))).toBe(false);
  });

  it("never high risk, a deny rule, or a rule needing two", () => {
    const everything = grant({ kinds: ["type", "key", "left_click"], window: undefined });
    expect(covers(everything, { action: "type", text: "ls\n" })).toBe(false);
    expect(covers(everything, { action: "type", text: "rm -rf /" })).toBe(false);
    expect(
      grantCovers(
        grant({ scope: "desktop", desktop: "prod" }),
        authorize(click(1, 1), input(), "prod"),
        {
          runId: "run_abc123",
          desktop: "prod",
          now,
          input: input(),
        },
      ),
    ).toBe(false);
  });
});

describe("buildPlan", () => {
  const first = (action: ComputerAction, at = input()) => {
    const authorization = authorize(action, at);
    return {
      step: 5,
      action,
      input: at,
      authorization,
      risk: authorization.kind === "deny" ? ("high" as const) : authorization.risk,
    };
  };

  it("judges each step against the state the steps before it leave, and stops before one that needs its own card", () => {
    const plan = buildPlan(
      first(click(700, 100)),
      [
        { step: 6, action: { action: "type", text: "Ada" } },
        { step: 7, action: { action: "key", text: "Tab" } },
        { step: 8, action: { action: "type", text: "ada@example.com" } },
        { step: 9, action: { action: "key", text: "Return" } },
        { step: 10, action: click(5, 5) },
      ],
      authorize,
    );
    expect(plan?.map((s) => s.step)).toEqual([5, 6, 7, 8]);
    // The click focuses the form: the typing is expected to reach it.
    expect(plan?.[1]?.input.window?.id).toBe(form.id);
    // Each step carries the state before it: step 8 sees what steps 6 and 7 typed (Tab
    // may have completed the word: the line marks where).
    expect(plan?.[3]?.input.line).toBe(`Ada${completionGap}`);
    expect(plan?.[3]?.input.lastChange).toBe("key");
  });

  it("no plan when fewer than two steps need asking, or the first needs its own card", () => {
    expect(
      buildPlan(first(click(1, 1)), [{ step: 6, action: { action: "screenshot" } }], authorize),
    ).toBeUndefined();
    expect(
      buildPlan(
        first({ action: "type", text: "ls\n" }),
        [{ step: 6, action: click(1, 1) }],
        authorize,
      ),
    ).toBeUndefined();
    expect(
      buildPlan(first(click(1, 1)), [{ step: 7, action: click(2, 2) }], authorize),
    ).toBeUndefined();
  });

  it("a step typing more than a card can show in a list ends the plan", () => {
    const long = { action: "type" as const, text: "x".repeat(301) };
    expect(buildPlan(first(click(1, 1)), [{ step: 6, action: long }], authorize)).toBeUndefined();
  });

  it("a click on the bare desktop leaves the focus unknown", () => {
    const after = expectedInputAfter(
      click(5, 5),
      input({ windows: [{ ...terminal, rect: [0, 0, 1, 1] }] }),
    );
    expect(after.window).toBeUndefined();
  });
});

describe("checkPlanStep", () => {
  const typing: ComputerAction = { action: "type", text: "Ada" };
  const plan = (more: Partial<ActivePlan> = {}): ActivePlan => ({
    approvalId: "apr_run_abc123_5",
    nextStep: 6,
    steps: [
      { step: 6, fingerprint: actionFingerprint(typing), input: input({ window: focused(form) }) },
    ],
    approvers: [{ userId: "U0BOB" }],
    ...more,
  });
  const check = (action: ComputerAction, now: DesktopInputState, p = plan(), step = 6) =>
    checkPlanStep(p, step, action, authorize(action, now), now);

  it("covers the next step, exactly as approved, when the keys reach the expected window", () => {
    expect(check(typing, input({ window: focused(form) })).kind).toBe("covered");
  });

  it("stops when the action differs, another window has the keys, or the policy wants more", () => {
    expect(check({ action: "type", text: "Eve" }, input({ window: focused(form) }))).toMatchObject({
      kind: "stop",
      reason: "the action is not the one the plan approved",
    });
    expect(check(typing, input())).toMatchObject({
      kind: "stop",
      reason: expect.stringMatching(/another window/),
    });
    const enter: ComputerAction = { action: "type", text: "Ada\n" };
    const p = plan({
      steps: [
        { step: 6, fingerprint: actionFingerprint(enter), input: input({ window: focused(form) }) },
      ],
    });
    expect(check(enter, input({ window: focused(form) }), p)).toMatchObject({
      kind: "stop",
      reason: expect.stringMatching(/decision of its own/),
    });
  });

  it("is not about a step out of order", () => {
    expect(check(typing, input({ window: focused(form) }), plan(), 7).kind).toBe("not_in_plan");
    expect(check(typing, input({ window: focused(form) }), plan({ nextStep: 7 })).kind).toBe(
      "not_in_plan",
    );
  });

  it("an action at the pointer must act where the plan expected", () => {
    const here: ComputerAction = { action: "left_click" };
    const p = plan({
      steps: [
        { step: 6, fingerprint: actionFingerprint(here), input: input({ pointer: [100, 100] }) },
      ],
    });
    expect(check(here, input({ pointer: [100, 100] }), p).kind).toBe("covered");
    expect(check(here, input({ pointer: [300, 100] }), p)).toMatchObject({
      kind: "stop",
      reason: expect.stringMatching(/pointer/),
    });
  });
});
