import type { ApprovalGate, GateVerdict, ReviewContext } from "@deskgate/agent";
import {
  type ApprovalBackend,
  approvalIdFor,
  approvalRetentionMs,
  redisKeys,
} from "@deskgate/approvals";
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
import type { Computer, ScreenComparison, Screenshot } from "@deskgate/desktop";
import { actionFingerprint, planEffects } from "@deskgate/effects";
import {
  type AskSettings,
  type Authorization,
  authorizeAction,
  type Policy,
} from "@deskgate/policy";
import { enqueue } from "@deskgate/queue";
import { describeDenial, describeEdit } from "./describe-edit.ts";
import { DesktopInputStore } from "./desktop-input-store.ts";
import {
  checkApprovedExecution,
  desktopChangedSince,
  pressesKeys,
  targetsOf,
  trustWindowCovers,
} from "./execution-check.ts";
import type { RunParking } from "./run-parking.ts";

/** Keeps what the screen-change check needs and compares a fresh screen with it. */
export interface ScreenBinding {
  capture(screenshot: Screenshot, targets: readonly Coordinate[]): Promise<string>;
  /** `keys`: the action presses keys, which go wherever the focus is. */
  compare(
    baseline: string,
    screenshot: Screenshot,
    targets: readonly Coordinate[],
    options: { keys?: boolean },
  ): Promise<ScreenComparison>;
}

export interface RedisApprovalGateDeps {
  backend: ApprovalBackend;
  policy: Policy;
  desktop: string;
  /** Holds the run while people decide (its BullMQ job), and fences actuation. */
  parking: RunParking;
  /** The card's image: the screenshot with the action's target (or the pointer) marked. */
  renderApprovalImage: (
    screenshot: Screenshot,
    action: ComputerAction,
    pointer: Coordinate | undefined,
  ) => Promise<Buffer>;
  screenBinding: ScreenBinding;
  logger: Logger;
}

/** What to ask a person about: an action, the desktop it was judged on, and how to ask. */
interface AskFor extends AskSettings {
  action: ComputerAction;
  input: DesktopInputState;
  ruleId: string;
  shadowDenied?: { ruleId: string; reason: string } | undefined;
}

/** How long a parked-mode request may stay parked before its job is looked at again. */
const parkedHorizonMs = 30 * 24 * 3600_000;
/** A parked job is looked at again no sooner than this, even if its deadline has passed. */
const minParkMs = 30_000;

/**
 * The worker's gate: the policy judges each action by its effects, then a human where it
 * asks. Asking stores the request, announces it, schedules its deadline and parks the run's
 * job; the decision wakes it, the loop resumes from its checkpoint and asks again for the
 * same step, and this gate finds the outcome — and authorises the approved version once
 * more against the desktop as it is now, right before it runs.
 */
export class RedisApprovalGate implements ApprovalGate {
  private readonly inputs: DesktopInputStore;

  constructor(private readonly deps: RedisApprovalGateDeps) {
    this.inputs = new DesktopInputStore(deps.backend.redis, deps.desktop);
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
    const { audit, publisher } = this.deps.backend;
    const input = await this.inputs.read(computer);
    const authorization = this.authorize(proposal.action, input);
    const at = this.now();
    const base = { runId: proposal.runId, at, step: proposal.step, action: proposal.action };
    const rationale = proposal.rationale ? { rationale: proposal.rationale } : {};
    if (authorization.kind === "deny") {
      await this.recordPolicyDenial(proposal, proposal.action, authorization);
      return { kind: "deny", reason: `blocked by policy: ${authorization.reason}` };
    }
    const trustedBy =
      authorization.kind === "ask" && trustWindowCovers(authorization)
        ? await this.trustWindowOwner(proposal.runId)
        : undefined;
    if (authorization.kind === "allow" || trustedBy) {
      const basis = trustedBy ? ("trust_window" as const) : ("policy" as const);
      await audit.append({
        ...base,
        type: "action.auto_approved",
        basis,
        ruleId: authorization.ruleId,
        ...(trustedBy ? { trustedBy } : {}),
      });
      await publisher.announce({
        ...base,
        ...rationale,
        type: "step.proposed",
        review: { kind: "auto_approved", basis, ruleId: authorization.ruleId },
      });
      return this.approve(proposal.runId, proposal.action, input);
    }
    return this.ask(proposal, computer, { ...authorization, action: proposal.action, input }, 1);
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
    const { redis, store, audit, publisher, screenshots, queues } = this.deps.backend;
    const approvalId = approvalIdFor(proposal.runId, proposal.step, attempt);
    const requestedAt = new Date(this.deps.backend.now());
    const expiresAt = new Date(requestedAt.getTime() + asked.timeoutMs);
    const screenshot = await computer.screenshot({ purpose: "check" });
    const draft: ApprovalRequest = {
      approvalId,
      runId: proposal.runId,
      step: proposal.step,
      desktop: this.deps.desktop,
      action: asked.action,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      screen: { width: screenshot.width, height: screenshot.height },
      input: asked.input,
      requestedAt: requestedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      requiredApprovals: asked.requiredApprovals,
      expiryMode: asked.expiryMode,
      renotifyEveryMs: asked.renotifyEveryMs,
      ruleId: asked.ruleId,
    };
    // Kept as long as the request itself: a request decided days later is still compared.
    const keepMs = approvalRetentionMs(draft, requestedAt);
    const baseline = await this.deps.screenBinding.capture(
      screenshot,
      targetsOf(asked.action, asked.input),
    );
    await redis.set(redisKeys.screenBaseline(approvalId), baseline, "PX", keepMs);
    const cardImage = await this.deps.renderApprovalImage(
      screenshot,
      asked.action,
      asked.input.pointer,
    );
    const card = await screenshots.put(`${approvalId}-card`, cardImage, keepMs);
    const request: ApprovalRequest = { ...draft, screenshotKey: card };
    const state = await store.create(request);
    // Once: a run resumed after a crash in here asks again with the same id.
    await audit.appendOnce(
      {
        type: "approval.requested",
        runId: proposal.runId,
        at: request.requestedAt,
        approvalId,
        step: proposal.step,
        action: asked.action,
        ruleId: asked.ruleId,
        fingerprint: actionFingerprint(asked.action),
        requiredApprovals: asked.requiredApprovals,
        expiresAt: request.expiresAt,
        ...(asked.shadowDenied ? { shadowDenied: asked.shadowDenied } : {}),
      },
      `requested:${approvalId}`,
      // What the approver is shown, kept by hash beside the trail.
      { screenshots: [screenshot.png, cardImage] },
    );
    await publisher.announce({
      type: "step.proposed",
      runId: proposal.runId,
      at: request.requestedAt,
      step: proposal.step,
      action: asked.action,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      review: { kind: "asked", approval: request },
    });
    await enqueue(
      queues.deadlines(),
      "approval.expire",
      { approvalId, runId: proposal.runId, reminder: 0 },
      { delay: asked.timeoutMs, jobId: `deadline-${approvalId}` },
    );
    await this.markWaiting(proposal, approvalId);
    // Recorded last: a crash anywhere above leaves no step → request link, so the resumed
    // run asks again with the same id (create is idempotent; card and deadline are keyed).
    await redis.set(redisKeys.stepApproval(proposal.runId, proposal.step), approvalId);
    this.deps.logger.info(
      { runId: proposal.runId, approvalId, step: proposal.step },
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
    const note =
      outcome.version > 1 ? describeEdit(request.action, check.action, approvers) : undefined;
    return this.approve(request.runId, check.action, input, note);
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

/** apr_<run>_<step>[_<attempt>] → attempt (1 when absent). */
function attemptOf(request: ApprovalRequest): number {
  const suffix = request.approvalId.slice(`apr_${request.runId}_${request.step}`.length);
  return Number(/^_(\d+)$/.exec(suffix)?.[1] ?? 1);
}

function pick(denial: { ruleId: string; reason: string }) {
  return { ruleId: denial.ruleId, reason: denial.reason };
}
