import type { ApprovalGate, GateVerdict, ReviewContext } from "@deskgate/agent";
import { redisKeys } from "@deskgate/approvals";
import type {
  Actor,
  ApprovalRequest,
  ApprovalState,
  ComputerAction,
  Coordinate,
  DesktopInputState,
  ProposedAction,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type {
  Computer,
  ScreenCompareOptions,
  ScreenComparison,
  Screenshot,
} from "@deskgate/desktop";
import { actionFingerprint } from "@deskgate/effects";
import { type Authorization, authorizeAction, type Policy } from "@deskgate/policy";
import { ActivePlanStore, checkPlanStep } from "./active-plan.ts";
import { type AskDeps, type AskFor, askForApproval } from "./ask-for-approval.ts";
import { coverableByOnePerson, grantCovers } from "./coverage.ts";
import { describeDenial, describeEdit } from "./describe-edit.ts";
import { DesktopInputStore } from "./desktop-input-store.ts";
import {
  checkApprovedExecution,
  desktopChangedSince,
  pointerTargetsOf,
  pressesKeys,
  targetsOf,
} from "./execution-check.ts";
import { buildPlan } from "./plan-builder.ts";
import type { RunParking } from "./run-parking.ts";

/** Keeps what the screen-change check needs and compares a fresh screen with it. */
export interface ScreenBinding {
  capture(screenshot: Screenshot, targets: readonly Coordinate[]): Promise<string>;
  /** `keys`: the action presses keys, which go wherever the focus is. */
  compare(
    baseline: string,
    screenshot: Screenshot,
    targets: readonly Coordinate[],
    options: ScreenCompareOptions,
  ): Promise<ScreenComparison>;
}

export interface RedisApprovalGateDeps extends AskDeps {
  policy: Policy;
  /** Holds the run while people decide (its BullMQ job), and fences actuation. */
  parking: RunParking;
}

/** How long a parked-mode request may stay parked before its job is looked at again. */
const parkedHorizonMs = 30 * 24 * 3600_000;
/** A parked job is looked at again no sooner than this, even if its deadline has passed. */
const minParkMs = 30_000;

/** A person's standing decision that covers an action without a card of its own. */
type StandingApproval =
  | { basis: "grant"; by: Actor; grantId: string }
  | { basis: "trust_window"; by: Actor }
  | { basis: "plan"; approvalId: string; approvers: Actor[] };

/**
 * The worker's gate: the policy judges each action by its effects, then a human where it
 * asks — unless a person's standing decision covers it (an approved plan's next step, a
 * grant, a trust window), and only where one person's approval may (see
 * `coverableByOnePerson`). Asking stores the request, announces it, schedules its deadline
 * and parks the run's job; the decision wakes it, the loop resumes from its checkpoint and
 * asks again for the same step, and this gate finds the outcome — and authorises the
 * approved version once more against the desktop as it is now, right before it runs.
 */
export class RedisApprovalGate implements ApprovalGate {
  private readonly inputs: DesktopInputStore;
  private readonly plans: ActivePlanStore;

  constructor(private readonly deps: RedisApprovalGateDeps) {
    this.inputs = new DesktopInputStore(deps.backend.redis, deps.desktop);
    this.plans = new ActivePlanStore(deps.backend.redis);
  }

  async review(proposal: ProposedAction, { computer }: ReviewContext): Promise<GateVerdict> {
    const { redis, store } = this.deps.backend;
    if (await redis.exists(redisKeys.cancel(proposal.runId)))
      return { kind: "cancel", reason: "the run was stopped" };
    const currentId = await redis.get(redisKeys.stepApproval(proposal.runId, proposal.step));
    const current = currentId ? await store.get(currentId) : undefined;
    if (current) return this.resume(current, proposal, computer);
    return this.firstLook(proposal, computer);
  }

  private authorize(action: ComputerAction, input: DesktopInputState): Authorization {
    return authorizeAction(action, { desktop: this.deps.desktop, input }, this.deps.policy);
  }

  private async firstLook(proposal: ProposedAction, computer: Computer): Promise<GateVerdict> {
    const input = await this.inputs.read(computer);
    const authorization = this.authorize(proposal.action, input);
    if (authorization.kind === "deny") {
      await this.plans.clear(proposal.runId);
      await this.recordPolicyDenial(proposal, proposal.action, authorization);
      return { kind: "deny", reason: `blocked by policy: ${authorization.reason}` };
    }
    const planned = await this.planCovers(proposal, computer, authorization, input);
    if (authorization.kind === "allow") return this.autoApprove(proposal, input, authorization);
    if (planned === "held_back")
      return this.ask(proposal, computer, { ...authorization, action: proposal.action, input }, 1);
    if (planned) return this.autoApprove(proposal, input, authorization, planned);
    const standing = coverableByOnePerson(authorization)
      ? await this.standingApproval(proposal.runId, authorization, input)
      : undefined;
    if (standing) return this.autoApprove(proposal, input, authorization, standing);
    const first = { step: proposal.step, action: proposal.action, input, authorization };
    const plan =
      this.deps.policy.plans && proposal.nextInTurn?.length
        ? buildPlan({ ...first, risk: authorization.risk }, proposal.nextInTurn, (action, at) =>
            this.authorize(action, at),
          )
        : undefined;
    return this.ask(
      proposal,
      computer,
      {
        ...authorization,
        action: proposal.action,
        input,
        plan,
        grantable: coverableByOnePerson(authorization),
      },
      1,
    );
  }

  /**
   * The run's approved plan, when this is its next step and it still matches: the step
   * passes the plan's checks (`checkPlanStep`) and the screen around its targets is as the
   * approver saw it. Anything else ends the plan, recorded, and the step is judged alone.
   */
  private async planCovers(
    proposal: ProposedAction,
    computer: Computer,
    authorization: Authorization,
    input: DesktopInputState,
  ): Promise<StandingApproval | "held_back" | undefined> {
    const plan = await this.plans.read(proposal.runId);
    if (!plan) return undefined;
    const check = checkPlanStep(plan, proposal.step, proposal.action, authorization, input);
    if (check.kind === "not_in_plan") {
      await this.plans.clear(proposal.runId);
      return undefined;
    }
    if (check.kind === "held_back") {
      // Its own card, no grant or trust window; the plan's later steps stay approved.
      await this.plans.save(proposal.runId, { ...plan, nextStep: proposal.step + 1 });
      return "held_back";
    }
    // Where the step clicks must look as the approver saw it; its keys are bound to the
    // expected window already (`checkPlanStep`).
    const points = pointerTargetsOf(proposal.action, input);
    const spot =
      check.kind === "covered" && points.length > 0
        ? await this.spotChange(plan.approvalId, proposal.step, computer, points)
        : undefined;
    if (check.kind === "stop" || spot?.changed) {
      const reason =
        check.kind === "stop" ? check.reason : `the screen changed ${spot?.where ?? ""}`.trim();
      await this.plans.clear(proposal.runId);
      this.deps.logger.warn({ runId: proposal.runId, step: proposal.step, reason }, "plan stopped");
      await this.deps.backend.audit.append({
        type: "plan.stopped",
        runId: proposal.runId,
        at: this.now(),
        approvalId: plan.approvalId,
        step: proposal.step,
        reason,
        ...(spot ? { difference: spot.difference } : {}),
      });
      return undefined;
    }
    await this.plans.save(proposal.runId, { ...plan, nextStep: proposal.step + 1 });
    return { basis: "plan", approvalId: plan.approvalId, approvers: plan.approvers };
  }

  /**
   * Where a plan's later step acts, against the plan's kept screen: the spot under it, and
   * around it except where the plan's earlier steps acted (their changes were planned).
   */
  private async spotChange(
    approvalId: string,
    step: number,
    computer: Computer,
    points: Coordinate[],
  ): Promise<ScreenComparison> {
    const { redis, store } = this.deps.backend;
    const baseline = await redis.get(redisKeys.screenBaseline(approvalId));
    const steps = (await store.get(approvalId))?.request.plan;
    if (!baseline || !steps) return { changed: true, difference: 1, where: "no baseline was kept" };
    const earlier = steps.filter((candidate) => candidate.step < step);
    const planned = earlier.flatMap((done) => targetsOf(done.action, done.input));
    // Keys go to the focused window, and a Tab moves them within it: all of it may change.
    const plannedAreas = earlier
      .filter((done) => pressesKeys(done.action, done.input))
      .map((done) => focusedArea(done.input));
    const shot = await computer.screenshot({ purpose: "check" });
    return this.deps.screenBinding.compare(baseline, shot, points, {
      spotsOnly: true,
      planned,
      plannedAreas,
    });
  }

  /** A grant that covers the action, else the run's open trust window. */
  private async standingApproval(
    runId: string,
    authorization: Authorization,
    input: DesktopInputState,
  ): Promise<StandingApproval | undefined> {
    const { grants, now, registry } = this.deps.backend;
    const active = await grants.activeFor(runId, this.deps.desktop);
    const requester = active.some((candidate) => candidate.fourEyes)
      ? (await registry.get(runId))?.request.requester.userId
      : undefined;
    const context = { runId, desktop: this.deps.desktop, now: now(), input, requester };
    const grant = active.find((candidate) => grantCovers(candidate, authorization, context));
    if (grant) return { basis: "grant", by: grant.by, grantId: grant.grantId };
    const trustedBy = await this.trustWindowOwner(runId);
    return trustedBy ? { basis: "trust_window", by: trustedBy } : undefined;
  }

  /** Runs without a card: by the policy, or by a person's standing decision. Recorded. */
  private async autoApprove(
    proposal: ProposedAction,
    input: DesktopInputState,
    authorization: Authorization,
    standing?: StandingApproval,
  ): Promise<GateVerdict> {
    const { audit, publisher } = this.deps.backend;
    const at = this.now();
    const base = { runId: proposal.runId, at, step: proposal.step, action: proposal.action };
    const basis = authorization.kind === "allow" || !standing ? "policy" : standing.basis;
    const who =
      basis === "policy" || !standing
        ? {}
        : standing.basis === "plan"
          ? { approvalId: standing.approvalId, approvers: standing.approvers }
          : standing.basis === "grant"
            ? { trustedBy: standing.by, grantId: standing.grantId }
            : { trustedBy: standing.by };
    await audit.append({
      ...base,
      type: "action.auto_approved",
      basis,
      ruleId: authorization.ruleId,
      ...who,
    });
    await publisher.announce({
      ...base,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      type: "step.proposed",
      review: {
        kind: "auto_approved",
        basis,
        ruleId: authorization.ruleId,
        ...("grantId" in who ? { grantId: who.grantId } : {}),
        ...("approvalId" in who ? { approvalId: who.approvalId } : {}),
      },
    });
    return this.approve(proposal.runId, proposal.action, input);
  }

  private async recordPolicyDenial(
    proposal: ProposedAction,
    action: ComputerAction,
    denial: { ruleId: string; reason: string },
  ): Promise<void> {
    const { audit, publisher } = this.deps.backend;
    const at = this.now();
    const base = { runId: proposal.runId, at, step: proposal.step, action };
    await audit.append({ ...base, type: "action.denied_by_policy", ...pick(denial) });
    await publisher.announce({
      ...base,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      type: "step.proposed",
      review: { kind: "denied_by_policy", ...pick(denial) },
    });
  }

  private async ask(
    proposal: ProposedAction,
    computer: Computer,
    asked: AskFor,
    attempt: number,
  ): Promise<never> {
    const state = await askForApproval(this.deps, proposal, computer, asked, attempt);
    const { approvalId } = state.request;
    await this.markWaiting(proposal, approvalId);
    // Recorded last: a crash anywhere above leaves no step → request link, so the resumed
    // run asks again with the same id (create is idempotent; card and deadline are keyed).
    await this.deps.backend.redis.set(
      redisKeys.stepApproval(proposal.runId, proposal.step),
      approvalId,
    );
    this.deps.logger.info(
      { runId: proposal.runId, approvalId, step: proposal.step, plan: asked.plan?.length },
      "waiting for a decision",
    );
    return this.park(state);
  }

  private async resume(
    found: ApprovalState,
    proposal: ProposedAction,
    computer: Computer,
  ): Promise<GateVerdict> {
    const { registry } = this.deps.backend;
    const state = await this.expireIfOverdue(found);
    const { request, outcome } = state;
    if (state.status !== "decided" || !outcome) {
      // Woken before a decision (a late wake meant for an earlier step, a stalled-job
      // retry): the job start marked the run running, so say again that it waits.
      await this.markWaiting(proposal, request.approvalId);
      return this.park(state);
    }
    // The decision's audit record exists before anything acts on it, whatever crashed.
    await this.deps.backend.decisions.completeFollowUps(state);
    await registry.update(proposal.runId, { status: "running", pendingApprovalId: undefined });
    switch (outcome.status) {
      case "approved":
        return this.actOnApproval(state, outcome, proposal, computer);
      case "denied":
        return { kind: "deny", reason: describeDenial(outcome.reason, outcome.by) };
      case "expired":
        return {
          kind: "deny",
          reason: `no one approved within ${Math.round(this.timeoutOf(request) / 60_000)} minutes`,
        };
      case "cancelled":
        return { kind: "cancel", reason: "the run was stopped" };
    }
  }

  /**
   * Right before actuation: the approved version, judged again against the desktop as it
   * is now, must still be allowed with the approvers it has, on the screen they saw.
   */
  private async actOnApproval(
    state: ApprovalState,
    outcome: Extract<NonNullable<ApprovalState["outcome"]>, { status: "approved" }>,
    proposal: ProposedAction,
    computer: Computer,
  ): Promise<GateVerdict> {
    const { request } = state;
    const input = await this.inputs.read(computer);
    const authorization = this.authorize(outcome.action, input);
    const check = checkApprovedExecution(outcome, authorization);
    const attempt = attemptOf(request) + 1;
    switch (check.kind) {
      case "deny":
        await this.recordPolicyDenial(proposal, outcome.action, check);
        return { kind: "deny", reason: `blocked by policy: ${check.reason}` };
      case "reask":
        await this.deps.backend.audit.append({
          type: "action.reauthorization_required",
          runId: request.runId,
          at: this.now(),
          approvalId: request.approvalId,
          step: request.step,
          requiredApprovals: check.requiredApprovals,
          approvers: check.approvers,
          ruleId: check.ruleId,
        });
        return this.ask(
          proposal,
          computer,
          this.askAgain(authorization, request, check.action, input),
          attempt,
        );
      case "execute":
        break;
    }
    if (authorization.kind !== "allow") {
      const moved = desktopChangedSince(check.action, request.input ?? input, input);
      const comparison = moved
        ? { changed: true, difference: 1, where: moved }
        : await this.screenChange(request.approvalId, computer, check.action, input);
      if (comparison.changed) {
        this.deps.logger.warn(
          { runId: request.runId, approvalId: request.approvalId, ...comparison },
          "the screen changed since the approver saw it; asking again",
        );
        await this.deps.backend.audit.append({
          type: "action.blocked_screen_changed",
          runId: request.runId,
          at: this.now(),
          step: request.step,
          difference: comparison.difference,
          where: comparison.where,
        });
        return this.ask(
          proposal,
          computer,
          this.askAgain(authorization, request, check.action, input),
          attempt,
        );
      }
    }
    const approvers = outcome.approvals.map((vote) => vote.by);
    await this.startPlan(state, outcome, approvers);
    const note =
      outcome.version > 1 ? describeEdit(request.action, check.action, approvers) : undefined;
    return this.approve(request.runId, check.action, input, note);
  }

  /**
   * An approved plan's first step is about to run: its later steps (up to "through") are
   * kept as the run's active plan, each to be checked again right before it runs.
   */
  private async startPlan(
    state: ApprovalState,
    outcome: Extract<NonNullable<ApprovalState["outcome"]>, { status: "approved" }>,
    approvers: Actor[],
  ): Promise<void> {
    const { request } = state;
    const through = outcome.through ?? outcome.plan?.length ?? 0;
    // A single step's approval (a held-back step among them) leaves the run's plan as it is.
    if (!outcome.plan || !request.plan) return;
    if (through < 2) return this.plans.clear(request.runId);
    const held = new Set(outcome.holdBack ?? []);
    const steps = request.plan.slice(1, through).map((step, index) => ({
      step: step.step,
      // The request's plan and the approved version's are the same actions (version 1).
      fingerprint: actionFingerprint(outcome.plan![index + 1]!),
      input: step.input,
      ...(held.has(index + 2) ? { heldBack: true } : {}),
    }));
    await this.plans.save(request.runId, {
      approvalId: request.approvalId,
      nextStep: request.step + 1,
      steps,
      approvers,
    });
  }

  /** The settings to ask again with: the policy's for the action now, else the request's. */
  private askAgain(
    authorization: Authorization,
    request: ApprovalRequest,
    action: ComputerAction,
    input: DesktopInputState,
  ): AskFor {
    if (authorization.kind === "ask") return { ...authorization, action, input };
    return {
      action,
      input,
      ruleId: request.ruleId ?? "default",
      requiredApprovals: request.requiredApprovals,
      timeoutMs: this.timeoutOf(request),
      expiryMode: request.expiryMode,
      renotifyEveryMs: request.renotifyEveryMs ?? 10 * 60_000,
      risk: request.risk ?? "medium",
      ...(request.escalation ? { escalation: request.escalation } : {}),
    };
  }

  /** A request whose deadline passed without its deadline job (lost, failing) is expired here. */
  private async expireIfOverdue(state: ApprovalState): Promise<ApprovalState> {
    if (state.status !== "pending" || state.request.expiryMode !== "deny") return state;
    const overdueMs =
      this.deps.backend.now().getTime() - new Date(state.request.expiresAt).getTime();
    if (overdueMs < 60_000) return state;
    const result = await this.deps.backend.decisions.expire(state.request.approvalId, 0);
    return "state" in result ? result.state : state;
  }

  /** What `/agent status` and the metrics read: the run waits on this request. */
  private async markWaiting(proposal: ProposedAction, approvalId: string): Promise<void> {
    await this.deps.backend.registry.update(proposal.runId, {
      status: "waiting",
      pendingApprovalId: approvalId,
      step: proposal.step,
    });
  }

  private async park(state: ApprovalState): Promise<never> {
    const { request } = state;
    const now = Date.now();
    const until =
      request.expiryMode === "deny"
        ? new Date(request.expiresAt).getTime() + 60_000
        : now + parkedHorizonMs;
    // A decision that landed before the run was parked could not wake it: checked after.
    return this.deps.parking.park(Math.max(until, now + minParkMs), async () => {
      const latest = await this.deps.backend.store.get(request.approvalId);
      return latest?.status !== "decided";
    });
  }

  private async approve(
    runId: string,
    action: ComputerAction,
    input: DesktopInputState,
    note?: string,
  ): Promise<GateVerdict> {
    // The fence: if this attempt lost the run, another attempt owns it now.
    await this.deps.parking.assertOwned();
    this.deps.logger.debug({ runId, action: action.action }, "approved for actuation");
    await this.inputs.willRun(action, input);
    return note ? { kind: "approve", action, note } : { kind: "approve", action };
  }

  /**
   * Fails closed: a baseline that is gone, or a target (an edit may move it) with no kept
   * screen around it, counts as a changed screen.
   */
  private async screenChange(
    approvalId: string,
    computer: Computer,
    action: ComputerAction,
    input: DesktopInputState,
  ): Promise<ScreenComparison> {
    const baseline = await this.deps.backend.redis.get(redisKeys.screenBaseline(approvalId));
    if (!baseline) return { changed: true, difference: 1, where: "no baseline was kept" };
    const shot = await computer.screenshot({ purpose: "check" });
    return this.deps.screenBinding.compare(baseline, shot, targetsOf(action, input), {
      keys: pressesKeys(action, input),
    });
  }

  /** Who opened the run's trust window, while it is open. */
  private async trustWindowOwner(runId: string): Promise<Actor | undefined> {
    const raw = await this.deps.backend.redis.get(redisKeys.trustWindow(runId));
    if (!raw) return undefined;
    const window = JSON.parse(raw) as { until: number; by: Actor };
    return window.until > this.deps.backend.now().getTime() ? window.by : undefined;
  }

  private timeoutOf(request: ApprovalRequest): number {
    return new Date(request.expiresAt).getTime() - new Date(request.requestedAt).getTime();
  }

  private now(): string {
    return this.deps.backend.now().toISOString();
  }
}

/** The focused window's place; the whole screen when the desktop cannot say. */
function focusedArea(input: DesktopInputState): readonly [number, number, number, number] {
  const focused = input.windows?.find((window) => window.id === input.window?.id);
  return focused?.rect ?? [0, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
}

/** apr_<run>_<step>[_<attempt>] → attempt (1 when absent). */
function attemptOf(request: ApprovalRequest): number {
  const suffix = request.approvalId.slice(`apr_${request.runId}_${request.step}`.length);
  return Number(/^_(\d+)$/.exec(suffix)?.[1] ?? 1);
}

function pick(denial: { ruleId: string; reason: string }) {
  return { ruleId: denial.ruleId, reason: denial.reason };
}
