import { redisKeys } from "@deskgate/approvals";
import type { AuditEvent } from "@deskgate/audit";
import { type ApprovalState, type ComputerAction, currentVersion } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { actionFingerprint, validateAction } from "@deskgate/effects";
import { type Policy, parsePolicy } from "@deskgate/policy";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApproverCheck } from "../apps/bot/src/approver-check.ts";
import { judgeEdit } from "../apps/bot/src/judge-edit.ts";
import { backendForFile, directGate, reviewUntilVerdict } from "./support/direct-gate.ts";
import {
  freshDesktop,
  type OraclePolicy,
  type PhysicalState,
  physicalEventsOf,
  requirementOf,
} from "./support/physical-input.ts";

/**
 * The oversight invariant as a property over what was executed. Random actions (every
 * spelling of the keys the rules name, keys held during clicks, hold_key, look-only steps),
 * random policies, and random people — approvals for the version they saw or an older one,
 * denials, edits (checked as the bot checks them), "Approve for 10 min", clicks from people
 * who may not approve, silence until the deadline — go through the real gate, the real
 * Lua-scripted votes and the real policy over a real Redis. Every action that reached the
 * desktop must be allowed by the rule that matches its physical input (judged by an oracle
 * written apart from the effect model), or approved by at least the number of distinct
 * permitted approvers that input requires, for exactly the version that ran; a denied input
 * never runs.
 */
const permitted = ["U1", "U2", "U3"];
const everyone = [...permitted, "U9"];

const coordinate = fc.tuple(fc.integer({ min: 0, max: 1279 }), fc.integer({ min: 0, max: 799 }));
const enterSpellings = ["Return", "enter", "KP_Enter", "ctrl+m", "ctrl+j", "shift+Return"];
const lockSpellings = [
  "super+l",
  "meta+l",
  "windows+l",
  "super_l+l",
  "cmd+l",
  "win+L",
  "alt+F4",
  "alt_l+F4",
  "option+F4",
  "Alt_R+f4",
  "ctrl+alt+Delete",
  "control_l+alt+del",
];
const actionArb: fc.Arbitrary<ComputerAction> = fc.oneof(
  fc
    .constantFrom(
      "ls",
      "echo hi\n",
      "sudo ls",
      "su",
      "do ls",
      "do rm -rf ~\n",
      "a\tb",
      "rm -rf ~/x",
      "\n",
      "pseudo\n",
      "s",
    )
    .map((text) => ({ action: "type", text }) as ComputerAction),
  fc
    .tuple(
      fc.constantFrom(
        ...enterSpellings,
        ...lockSpellings,
        "s u d o",
        "o space l s Return",
        "ctrl+e",
        "BackSpace",
        "ctrl+c",
        "Tab",
        "l s Return",
        "ctrl+o",
        "alt+numbersign",
        "Home",
        "Left Left",
        "ctrl+a",
        "ctrl+h",
        "Up",
        "Delete",
        "End",
      ),
      fc.integer({ min: 1, max: 2 }),
    )
    .map(
      ([text, repeat]) =>
        ({ action: "key", text, ...(repeat > 1 ? { repeat } : {}) }) as ComputerAction,
    ),
  fc
    .tuple(
      fc.constantFrom("left_click", "double_click", "right_click", "middle_click"),
      fc.option(coordinate, { nil: undefined }),
      fc.option(fc.constantFrom("shift", "o", "meta+l", "ctrl", "s"), { nil: undefined }),
    )
    .map(
      ([name, at, text]) =>
        ({
          action: name,
          ...(at ? { coordinate: at } : {}),
          ...(text ? { text } : {}),
        }) as ComputerAction,
    ),
  fc
    .tuple(fc.constantFrom("a", "Return", "ctrl", "s", "super+l"), fc.constantFrom(0.3, 0.8, 1.2))
    .map(([text, duration]) => ({ action: "hold_key", text, duration }) as ComputerAction),
  fc.constantFrom<ComputerAction>(
    { action: "screenshot" },
    { action: "wait", duration: 0.1 },
    { action: "cursor_position" },
    { action: "zoom", region: [0, 0, 100, 100] },
  ),
  coordinate.map((c) => ({ action: "mouse_move", coordinate: c }) as ComputerAction),
  fc
    .option(coordinate, { nil: undefined })
    .map((c) => ({ action: "left_mouse_down", ...(c ? { coordinate: c } : {}) }) as ComputerAction),
  fc
    .option(coordinate, { nil: undefined })
    .map((c) => ({ action: "left_mouse_up", ...(c ? { coordinate: c } : {}) }) as ComputerAction),
  fc
    .tuple(coordinate, coordinate)
    .map(
      ([a, b]) =>
        ({ action: "left_click_drag", start_coordinate: a, coordinate: b }) as ComputerAction,
    ),
  fc
    .tuple(
      fc.option(coordinate, { nil: undefined }),
      fc.option(fc.constantFrom("ctrl", "a"), { nil: undefined }),
    )
    .map(
      ([c, text]) =>
        ({
          action: "scroll",
          scroll_direction: "down",
          scroll_amount: 2,
          ...(c ? { coordinate: c } : {}),
          ...(text ? { text } : {}),
        }) as ComputerAction,
    ),
);

type Human =
  | { kind: "approve"; user: string; stale: boolean; trust: boolean; last: boolean }
  | { kind: "deny"; user: string; last: boolean }
  | { kind: "edit"; user: string; action: ComputerAction; last: boolean };
const user = fc.constantFrom(...everyone);
const last = fc.boolean();
const humanArb: fc.Arbitrary<Human> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("approve" as const),
      user,
      stale: fc.boolean(),
      trust: fc.boolean(),
      last,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deny" as const), user, last }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("edit" as const), user, action: actionArb, last }),
  },
);

const policies: Record<string, { file: unknown; oracle: OraclePolicy }> = {
  example: {
    file: {
      rules: [
        {
          id: "observe",
          match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
          decision: "allow",
        },
        { id: "no-sudo", match: { textMatches: "\\bsudo\\b" }, decision: "deny" },
        {
          id: "enter-needs-two",
          match: { actions: ["key"], keys: ["Return", "KP_Enter"], afterAction: "type" },
          decision: "ask",
          approvers: 2,
        },
        {
          id: "no-lock",
          match: { actions: ["key"], keys: ["super+l", "alt+F4", "ctrl+alt+Delete"] },
          decision: "deny",
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    },
    oracle: { base: 1, typingFree: false, denySudo: true, denyLock: true, enterAfterTyping: 2 },
  },
  typingFree: {
    file: {
      rules: [
        {
          id: "observe",
          match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
          decision: "allow",
        },
        { id: "no-sudo", match: { textMatches: "\\bsudo\\b" }, decision: "deny" },
        {
          id: "no-lock",
          match: { keys: ["super+l", "alt+F4", "ctrl+alt+Delete"] },
          decision: "deny",
        },
        { id: "typing-free", match: { actions: ["type"] }, decision: "allow" },
        {
          id: "enter-needs-two",
          match: { keys: ["Return"], afterAction: "type" },
          decision: "ask",
          approvers: 2,
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    },
    oracle: { base: 1, typingFree: true, denySudo: true, denyLock: true, enterAfterTyping: 2 },
  },
  strict: {
    file: {
      rules: [
        {
          id: "observe",
          match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
          decision: "allow",
        },
        { id: "no-sudo", match: { textMatches: "sudo" }, decision: "deny" },
        { id: "two-of-everything", match: {}, decision: "ask", approvers: 2 },
      ],
    },
    oracle: { base: 2, typingFree: false, denySudo: true, denyLock: false, enterAfterTyping: 0 },
  },
  default: {
    file: {
      rules: [
        {
          id: "observe",
          match: { actions: ["screenshot", "cursor_position", "zoom", "wait"] },
          decision: "allow",
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    },
    oracle: { base: 1, typingFree: false, denySudo: false, denyLock: false, enterAfterTyping: 0 },
  },
};

const logger = createLogger({ level: "silent" });
const approvers = new ApproverCheck({
  approvers: permitted,
  requireSecondApprover: false,
  groupMembers: async () => [],
});

const file = backendForFile(logger);

interface Executed {
  step: number;
  action: ComputerAction;
}

let counter = 0;

/** Plays one case through the gate; returns what reached the desktop. */
async function play(
  policyName: string,
  policy: Policy,
  actions: ComputerAction[],
  humans: Human[],
): Promise<{ runId: string; executed: Executed[] }> {
  counter += 1;
  const runId = `run_prop${String(counter).padStart(6, "0")}`;
  const desktop = `prop-${counter}`;
  await file.backend.redis.set(
    redisKeys.desktopPolicy(desktop),
    JSON.stringify({ source: policy.source }),
  );
  const computer = new RecordingComputer({ width: 1280, height: 800 });
  const gate = await directGate(file.backend, { runId, desktop, task: policyName, policy, logger });
  const queue = [...humans];
  const executed: Executed[] = [];
  for (const [index, action] of actions.entries()) {
    const step = index + 1;
    const proposal = { runId, step, toolUseId: `toolu_${step}`, action };
    const verdict = await reviewUntilVerdict(
      file.backend,
      gate,
      proposal,
      computer,
      async (id, round) => {
        await decideAtRandom(id, queue, policy, round >= 3);
        return true;
      },
    );
    if (verdict?.kind === "approve") {
      await computer.execute(verdict.action);
      executed.push({ step, action: verdict.action });
    }
  }
  return { runId, executed };
}

/** People act on an open request, as the bot lets them; then, if nobody decided, it expires. */
async function decideAtRandom(
  approvalId: string,
  queue: Human[],
  policy: Policy,
  silence: boolean,
) {
  while (!silence && queue.length > 0) {
    const human = queue.shift()!;
    const state = (await file.backend.store.get(approvalId))!;
    if (state.status === "decided") break;
    const run = await file.backend.registry.get(state.request.runId);
    if (!(await approvers.mayApprove(human.user, run)).ok) continue; // the bot refuses the click
    const at = new Date().toISOString();
    const by = { userId: human.user };
    const current = currentVersion(state).number;
    if (human.kind === "deny")
      await file.backend.runDesk.decide(approvalId, { verdict: "deny", by, at });
    if (human.kind === "approve")
      await file.backend.runDesk.decide(approvalId, {
        verdict: "approve",
        by,
        at,
        version: human.stale ? Math.max(1, current - 1) : current,
        ...(human.trust ? { trustWindowMs: 600_000 } : {}),
      });
    if (human.kind === "edit") {
      const checked = validateAction(human.action, state.request.screen!);
      if (checked.ok) {
        const judged = judgeEdit(state, { approvalId, version: current }, checked.action, policy);
        if (judged.kind === "approve")
          await file.backend.runDesk.decide(approvalId, {
            verdict: "approve",
            by,
            at,
            version: judged.version,
          });
        if (judged.kind === "edit")
          await file.backend.runDesk.decide(approvalId, { ...judged.decision, by, at });
      }
    }
    if (human.last) break;
  }
  const state = (await file.backend.store.get(approvalId))!;
  if (state.status !== "decided") await file.backend.decisions.expire(approvalId, 0);
}

/** Checks every executed action against the audit trail, the votes and the oracle. */
async function checkInvariant(runId: string, oracle: OraclePolicy, executed: Executed[]) {
  const audit = (await file.backend.audit.read(runId)).map((r) => r.event);
  let physical: PhysicalState = freshDesktop;
  const trustOpened: Array<Extract<AuditEvent, { type: "trust_window.opened" }>> = [];
  for (const event of audit) if (event.type === "trust_window.opened") trustOpened.push(event);
  for (const { step, action } of executed) {
    const events = physicalEventsOf(action, physical);
    const { requirement, after } = requirementOf(oracle, events, physical, action);
    physical = after;
    const context = `step ${step} ${JSON.stringify(action)}`;
    expect(requirement, `${context} was executed though denied`).not.toBe("deny");
    const required = requirement as number;
    const auto = audit.find((e) => e.type === "action.auto_approved" && e.step === step);
    const grants = audit.filter(
      (e): e is Extract<AuditEvent, { type: "approval.granted" }> =>
        e.type === "approval.granted" &&
        e.step === step &&
        e.fingerprint === actionFingerprint(action),
    );
    if (auto?.type === "action.auto_approved") {
      if (auto.basis === "policy") expect(required, `${context} auto-approved by policy`).toBe(0);
      else {
        expect(required, `${context} covered by a trust window`).toBeLessThanOrEqual(1);
        expect(permitted).toContain(auto.trustedBy?.userId);
        expect(trustOpened.some((t) => t.by.userId === auto.trustedBy?.userId)).toBe(true);
      }
      continue;
    }
    expect(grants.length, `${context} ran with no approval of exactly this action`).toBeGreaterThan(
      0,
    );
    const grant = grants.at(-1)!;
    expect(grant.action).toEqual(action);
    const voters = grant.approvers.map((a) => a.userId);
    expect(new Set(voters).size).toBe(voters.length);
    for (const voter of voters) expect(permitted).toContain(voter);
    expect(voters.length, `${context} needs ${required} approvers`).toBeGreaterThanOrEqual(
      required,
    );
    // Each approver voted for exactly that version.
    const state = (await file.backend.store.get(grant.approvalId)) as ApprovalState;
    for (const voter of voters)
      expect(
        state.approvals.some((v) => v.by.userId === voter && v.version === grant.version),
      ).toBe(true);
  }
}

describe("the oversight invariant over executed input", () => {
  it("holds for random actions, spellings, policies, votes, edits and trust windows", async () => {
    const compiled = Object.fromEntries(
      Object.entries(policies).map(([name, p]) => [
        name,
        parsePolicy(p.file, { approvalTimeoutMs: 600_000 }),
      ]),
    );
    let executedCount = 0;
    let editedRan = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(policies)),
        fc.array(actionArb, { minLength: 1, maxLength: 5 }),
        fc.array(humanArb, { maxLength: 14 }),
        async (name, actions, humans) => {
          const { runId, executed } = await play(name, compiled[name]!, actions, humans);
          executedCount += executed.length;
          editedRan += executed.filter(
            (e, _i) => JSON.stringify(e.action) !== JSON.stringify(actions[e.step - 1]),
          ).length;
          await checkInvariant(runId, policies[name]!.oracle, executed);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1_000), seed: 20261201, endOnFailure: true },
    );
    // The property exercised what it claims to: actions ran, and some of them were edits.
    expect(executedCount).toBeGreaterThan(500);
    expect(editedRan).toBeGreaterThan(20);
  }, 600_000);
});
