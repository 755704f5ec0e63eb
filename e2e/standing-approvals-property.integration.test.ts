import { redisKeys } from "@deskgate/approvals";
import type { AuditEvent } from "@deskgate/audit";
import {
  type ComputerAction,
  currentVersion,
  type DesktopWindow,
  type GrantTerms,
  grantableKinds,
} from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { blackScreenPng, RecordingComputer, whiteScreenPng } from "@deskgate/desktop/testing";
import { actionFingerprint, planEffects, windowAt } from "@deskgate/effects";
import { type Policy, parsePolicy } from "@deskgate/policy";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApproverCheck } from "../apps/bot/src/approver-check.ts";
import { backendForFile, directGate, reviewUntilVerdict } from "./support/direct-gate.ts";
import {
  freshDesktop,
  type OraclePolicy,
  type PhysicalState,
  physicalEventsOf,
  requirementOf,
} from "./support/physical-input.ts";

/**
 * The oversight invariant where fewer people are asked: random model turns (so plan cards),
 * random answers — approve all, approve through step k, approve and grant similar actions
 * (random kinds, window, scope), deny, silence — random revocations, windows that take the
 * focus or lie under a click, and screens that change between steps. Every action that ran
 * must be allowed by the rule its physical input meets, or approved by enough permitted
 * people for exactly it: by a card of its own, or by a plan whose approved steps hold it
 * exactly, or by a live grant whose maker may approve and whose kinds and window it stays
 * in — and never, by a plan, a grant or a trust window, an input the policy rates high risk
 * or for which it asks more than one person. Judged by the oracle written apart from the
 * effect model.
 */
const permitted = ["U1", "U2"];
const terminal: DesktopWindow = {
  id: "4194305",
  title: "Terminal",
  className: "XTerm",
  rect: [0, 0, 640, 800],
};
const browser: DesktopWindow = {
  id: "5242881",
  title: "Bank",
  className: "firefox",
  rect: [640, 0, 640, 800],
};

const coordinate = fc.tuple(fc.integer({ min: 0, max: 1279 }), fc.integer({ min: 0, max: 799 }));
const actionArb: fc.Arbitrary<ComputerAction> = fc.oneof(
  fc
    .constantFrom("ls", "make", "sudo ls", "echo hi\n", "su", "do ls", "\n")
    .map((text) => ({ action: "type", text }) as ComputerAction),
  fc
    .constantFrom("Return", "ctrl+c", "Tab", "BackSpace", "ctrl+m", "KP_Enter", "alt+F4", "ctrl+l")
    .map((text) => ({ action: "key", text }) as ComputerAction),
  fc
    .tuple(fc.constantFrom("left_click", "double_click", "right_click"), coordinate)
    .map(([name, at]) => ({ action: name, coordinate: at }) as ComputerAction),
  fc.constant<ComputerAction>({ action: "left_click" }),
  coordinate.map(
    (at) =>
      ({
        action: "scroll",
        coordinate: at,
        scroll_direction: "down",
        scroll_amount: 1,
      }) as ComputerAction,
  ),
  fc.constantFrom<ComputerAction>(
    { action: "screenshot" },
    { action: "zoom", region: [0, 0, 9, 9] },
  ),
);

/** A model turn: one to four actions proposed together. */
const turnsArb = fc.array(fc.array(actionArb, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 4,
});

type Answer =
  | { kind: "approve"; user: string }
  | { kind: "through"; user: string; through: number }
  | { kind: "holdBack"; user: string; holdBack: number[] }
  | { kind: "grant"; user: string; terms: GrantTerms }
  | { kind: "deny"; user: string }
  | { kind: "silence" };
const user = fc.constantFrom(...permitted, "U9");
const termsArb: fc.Arbitrary<GrantTerms> = fc
  .record({
    kinds: fc.subarray([...grantableKinds], { minLength: 1 }),
    window: fc.option(fc.constantFrom({ className: "XTerm" }, { className: "firefox" }), {
      nil: undefined,
    }),
    scope: fc.constantFrom("run" as const, "desktop" as const),
    durationMs: fc.constant(600_000),
  })
  .map((terms) => (terms.window ? terms : { ...terms, window: undefined }) as GrantTerms);
const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("approve" as const), user }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("through" as const),
      user,
      through: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("grant" as const), user, terms: termsArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("holdBack" as const),
      user,
      holdBack: fc.uniqueArray(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deny" as const), user }) },
  { weight: 1, arbitrary: fc.constant({ kind: "silence" as const }) },
);
/** What happens on the desktop before a step: nothing, focus moves, a screen changes, a revocation. */
const eventArb = fc.constantFrom(
  "none",
  "none",
  "none",
  "focus-browser",
  "focus-terminal",
  "screen",
  "revoke",
  "swap",
);
/**
 * "swap": the step proposed is not the one the turn announced (a resumed run whose model
 * answered differently): a plan approved for the announced one must not cover it.
 */
const swapped: ComputerAction = { action: "type", text: "swapped" };

/** Enter after typing is high risk (one approver); sudo and closing are refused. */
const policyFile = {
  rules: [
    { id: "look", match: { actions: ["screenshot", "zoom"] }, decision: "allow" },
    { id: "no-sudo", match: { textMatches: "\\bsudo\\b" }, decision: "deny" },
    { id: "no-close", match: { keys: ["alt+F4"] }, decision: "deny" },
    {
      id: "enter-after-typing",
      match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
      decision: "ask",
      risk: "high",
    },
    { id: "rest", match: {}, decision: "ask" },
  ],
};
const oracle: OraclePolicy = {
  base: 1,
  typingFree: false,
  denySudo: true,
  denyLock: true,
  enterAfterTyping: 1,
};
/** The same oracle with a marker count for Enter after typing: tells high risk apart. */
const highMarker = 4;

const logger = createLogger({ level: "silent" });
const approverCheck = new ApproverCheck({
  approvers: permitted,
  requireSecondApprover: false,
  groupMembers: async () => [],
});

const file = backendForFile(logger);
const policy: Policy = parsePolicy(policyFile, { approvalTimeoutMs: 600_000 });

interface Executed {
  step: number;
  action: ComputerAction;
  /** The windows and the focus when it ran. */
  windows: DesktopWindow[];
  focused: string | undefined;
  pointer: [number, number];
}

let counter = 0;

async function play(turns: ComputerAction[][], answers: Answer[], events: string[]) {
  counter += 1;
  const runId = `run_stand${String(counter).padStart(6, "0")}`;
  const desktop = `stand-${counter}`;
  await file.backend.redis.set(
    redisKeys.desktopPolicy(desktop),
    JSON.stringify({ source: policy.source }),
  );
  const computer = new RecordingComputer({ width: 1280, height: 800 });
  computer.windowList = [terminal, browser];
  const gate = await directGate(file.backend, { runId, desktop, task: "standing", policy, logger });
  const queue = [...answers];
  const executed: Executed[] = [];
  let step = 0;
  for (const turn of turns) {
    for (const [index, announced] of turn.entries()) {
      step += 1;
      const event = events[step % events.length] ?? "none";
      await happen(event, computer, runId);
      const action = event === "swap" ? swapped : announced;
      const nextInTurn = turn
        .slice(index + 1)
        .map((next, offset) => ({ step: step + 1 + offset, action: next }));
      const proposal = {
        runId,
        step,
        toolUseId: `toolu_${step}`,
        action,
        ...(nextInTurn.length > 0 ? { nextInTurn } : {}),
      };
      const verdict = await reviewUntilVerdict(
        file.backend,
        gate,
        proposal,
        computer,
        async (id, round) => {
          await answer(id, queue, round >= 2);
          return true;
        },
      );
      if (verdict?.kind === "approve") {
        executed.push({
          step,
          action: verdict.action,
          windows: computer.windowList ?? [],
          focused: computer.window?.id,
          pointer: await computer.pointerPosition(),
        });
        await computer.execute(verdict.action);
      }
    }
  }
  return { runId, executed };
}

async function happen(event: string, computer: RecordingComputer, runId: string): Promise<void> {
  if (event === "focus-browser")
    computer.window = { id: browser.id, title: browser.title, className: browser.className };
  if (event === "focus-terminal")
    computer.window = { id: terminal.id, title: terminal.title, className: terminal.className };
  if (event === "screen") computer.show(Math.random() < 0.5 ? blackScreenPng : whiteScreenPng);
  if (event === "revoke") {
    const created = (await file.backend.audit.read(runId))
      .map((r) => r.event)
      .filter((e) => e.type === "grant.created");
    for (const made of created)
      await file.backend.decisions.grants.revoke(made.grant.grantId, { userId: "U2" });
  }
}

/** People answer an open request as the bot lets them; silence lets it expire. */
async function answer(approvalId: string, queue: Answer[], silence: boolean): Promise<void> {
  const next = silence ? undefined : queue.shift();
  const state = (await file.backend.store.get(approvalId))!;
  if (next && next.kind !== "silence" && state.status !== "decided") {
    const run = await file.backend.registry.get(state.request.runId);
    const by = { userId: next.user };
    const at = new Date().toISOString();
    const version = currentVersion(state).number;
    if ((await approverCheck.mayApprove(next.user, run, state.request)).ok) {
      if (next.kind === "deny")
        await file.backend.runDesk.decide(approvalId, { verdict: "deny", by, at });
      if (next.kind === "approve")
        await file.backend.runDesk.decide(approvalId, { verdict: "approve", by, at, version });
      if (next.kind === "holdBack")
        await file.backend.runDesk.decide(approvalId, {
          verdict: "approve",
          by,
          at,
          version,
          ...(state.request.plan ? { holdBack: next.holdBack } : {}),
        });
      if (next.kind === "through")
        await file.backend.runDesk.decide(approvalId, {
          verdict: "approve",
          by,
          at,
          version,
          through: next.through,
        });
      // The bot offers the grant form only where the gate said a grant may cover the step.
      if (next.kind === "grant")
        await file.backend.runDesk.decide(approvalId, {
          verdict: "approve",
          by,
          at,
          version,
          ...(state.request.grantable ? { grant: next.terms } : {}),
        });
    }
  }
  if ((await file.backend.store.get(approvalId))!.status !== "decided")
    await file.backend.decisions.expire(approvalId, 0);
}

/** The window an effect of `action` reaches when it ran: under each point, else the focused one. */
function windowsReachedWhenRun(run: Executed): Array<string | undefined> {
  const input = {
    ...freshInput,
    pointer: run.pointer,
    windows: run.windows,
    window: run.windows.find((w) => w.id === run.focused),
  };
  return planEffects(run.action, input).effects.flatMap((effect) =>
    effect.points && effect.points.length > 0
      ? effect.points.map((point) => windowAt(input, point)?.className ?? "")
      : [input.window?.className],
  );
}
const freshInput = { leftButtonHeld: false, line: "", lineUnknown: true } as const;

async function checkInvariant(runId: string, executed: Executed[]) {
  const audit = (await file.backend.audit.read(runId)).map((r) => r.event);
  let physical: PhysicalState = freshDesktop;
  for (const run of executed) {
    const { step, action } = run;
    const events = physicalEventsOf(action, physical);
    const { requirement, after } = requirementOf(oracle, events, physical, action);
    const high =
      requirementOf({ ...oracle, enterAfterTyping: highMarker }, events, physical, action)
        .requirement === highMarker;
    physical = after;
    const context = `step ${step} ${JSON.stringify(action)}`;
    expect(requirement, `${context} ran though denied`).not.toBe("deny");
    const required = requirement as number;
    const auto = audit.find((e) => e.type === "action.auto_approved" && e.step === step);
    if (auto?.type === "action.auto_approved") {
      if (auto.basis === "policy") {
        expect(required, `${context} ran by policy`).toBe(0);
        continue;
      }
      // A standing decision stands for one person: never high risk, never a rule needing two.
      expect(high, `${context} is high risk, covered by ${auto.basis}`).toBe(false);
      expect(required, `${context} covered by ${auto.basis}`).toBeLessThanOrEqual(1);
      if (auto.basis === "grant") checkGrant(audit, auto, run, context);
      if (auto.basis === "plan") checkPlanStep(audit, auto, run, context);
      if (auto.basis === "trust_window")
        throw new Error(`${context}: no trust window was ever opened here`);
      continue;
    }
    const granted = audit.filter(
      (e): e is Extract<AuditEvent, { type: "approval.granted" }> =>
        e.type === "approval.granted" && e.step === step,
    );
    expect(granted.length, `${context} ran with no approval`).toBeGreaterThan(0);
    const decision = granted.at(-1)!;
    // Exactly this action: alone, or as the first step of an approved plan.
    if (decision.plan) {
      expect(decision.plan[0], `${context} is not the plan's first step`).toEqual(action);
      expect(high, `${context} is high risk, in a plan`).toBe(false);
    } else expect(decision.fingerprint).toBe(actionFingerprint(action));
    const voters = decision.approvers.map((a) => a.userId);
    for (const voter of voters) expect(permitted).toContain(voter);
    expect(new Set(voters).size, `${context} needs ${required}`).toBeGreaterThanOrEqual(required);
  }
}

function checkGrant(
  audit: AuditEvent[],
  auto: Extract<AuditEvent, { type: "action.auto_approved" }>,
  run: Executed,
  context: string,
) {
  const at = audit.indexOf(auto);
  const made = audit.find((e) => e.type === "grant.created" && e.grant.grantId === auto.grantId);
  expect(made?.type, `${context}: its grant was never made`).toBe("grant.created");
  if (made?.type !== "grant.created") return;
  expect(audit.indexOf(made), `${context} ran before its grant`).toBeLessThan(at);
  const ended = audit.findIndex((e) => e.type === "grant.ended" && e.grantId === auto.grantId);
  expect(ended === -1 || ended > at, `${context} ran on a revoked grant`).toBe(true);
  expect(permitted).toContain(made.grant.by.userId);
  const kinds = planEffects(run.action, { ...freshInput, pointer: [0, 0] })
    .effects.filter((e) => e.changesDesktop)
    .map((e) => e.kind);
  for (const kind of kinds)
    expect(made.grant.kinds, `${context}: ${kind} was not granted`).toContain(kind);
  if (made.grant.window)
    for (const reached of windowsReachedWhenRun(run))
      expect(reached, `${context} reached a window the grant does not cover`).toBe(
        made.grant.window.className,
      );
}

function checkPlanStep(
  audit: AuditEvent[],
  auto: Extract<AuditEvent, { type: "action.auto_approved" }>,
  run: Executed,
  context: string,
) {
  const requested = audit.find(
    (e) => e.type === "approval.requested" && e.approvalId === auto.approvalId,
  );
  const granted = audit.find(
    (e) => e.type === "approval.granted" && e.approvalId === auto.approvalId,
  );
  expect(granted?.type, `${context}: its plan was never approved`).toBe("approval.granted");
  if (granted?.type !== "approval.granted" || requested?.type !== "approval.requested") return;
  const index = (requested.planSteps ?? []).indexOf(run.step);
  expect(index, `${context} is not in the plan`).toBeGreaterThan(0);
  expect(granted.plan?.[index], `${context} is not the plan's step`).toEqual(run.action);
  expect(index, `${context} is past the approved steps`).toBeLessThan(
    granted.through ?? granted.plan!.length,
  );
  expect(granted.holdBack ?? [], `${context} was held back`).not.toContain(index + 1);
  for (const voter of granted.approvers) expect(permitted).toContain(voter.userId);
}

describe("the oversight invariant with plans, grants and risk", () => {
  it("holds for random turns, answers, grants, revocations, focus and screen changes", async () => {
    const seen = { plan: 0, grant: 0, stopped: 0, heldBack: 0 };
    await fc.assert(
      fc.asyncProperty(
        turnsArb,
        fc.array(answerArb, { maxLength: 12 }),
        fc.array(eventArb, { minLength: 1, maxLength: 8 }),
        async (turns, answers, events) => {
          const { runId, executed } = await play(turns, answers, events);
          await checkInvariant(runId, executed);
          const audit = (await file.backend.audit.read(runId)).map((r) => r.event);
          for (const e of audit) {
            if (e.type === "action.auto_approved" && e.basis === "plan") seen.plan += 1;
            if (e.type === "action.auto_approved" && e.basis === "grant") seen.grant += 1;
            if (e.type === "plan.stopped") seen.stopped += 1;
            if (e.type === "approval.granted" && e.holdBack) seen.heldBack += 1;
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 400), seed: 20261202, endOnFailure: true },
    );
    // It exercised what it claims to.
    expect(seen.plan).toBeGreaterThan(30);
    expect(seen.grant).toBeGreaterThan(40);
    expect(seen.stopped).toBeGreaterThan(5);
    expect(seen.heldBack).toBeGreaterThan(5);
  }, 600_000);
});
