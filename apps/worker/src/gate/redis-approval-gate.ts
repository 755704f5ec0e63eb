import type { ApprovalGate, GateVerdict, ReviewContext } from "@deskgate/agent";
import { type ApprovalBackend, approvalIdFor, redisKeys } from "@deskgate/approvals";
import type {
  ApprovalRequest,
  ApprovalState,
  ComputerAction,
  ProposedAction,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { Computer, Screenshot } from "@deskgate/desktop";
import { evaluatePolicy, type Policy, type PolicyDecision } from "@deskgate/policy";
import {
  enqueue,
  holdsJobLock,
  type Job,
  JobLockLostError,
  parkJob,
  wakeJob,
} from "@deskgate/queue";
import { describeDenial, describeEdit } from "./describe-edit.ts";

type AskSettings = Extract<PolicyDecision, { kind: "ask" }>;

export interface RedisApprovalGateDeps {
  backend: ApprovalBackend;
  policy: Policy;
  desktop: string;
  /** The run's BullMQ job and lock token: parking moves this job to the delayed set. */
  job: Job;
  token: string | undefined;
  renderApprovalImage: (screenshot: Screenshot, action: ComputerAction) => Promise<Buffer>;
  screenDifference: (before: Buffer, after: Buffer) => Promise<number>;
  /** Fraction of the screen that may change between approval and action. */
  screenChangeThreshold: number;
  logger: Logger;
}

/** How long a parked-mode request may stay parked before its job is looked at again. */
const parkedHorizonMs = 30 * 24 * 3600_000;

/**
 * The worker's gate: policy first, then a human. Asking stores the request, announces it,
 * schedules its deadline and parks the run's job; the decision wakes it, the loop resumes
 * from its checkpoint and asks again for the same step, and this gate finds the outcome.
 */
export class RedisApprovalGate implements ApprovalGate {
  constructor(private readonly deps: RedisApprovalGateDeps) {}

  async review(proposal: ProposedAction, { computer }: ReviewContext): Promise<GateVerdict> {
    const { redis, store } = this.deps.backend;
    if (await redis.exists(redisKeys.cancel(proposal.runId)))
      return { kind: "cancel", reason: "the run was stopped" };
    const currentId = await redis.get(redisKeys.stepApproval(proposal.runId, proposal.step));
    const current = currentId ? await store.get(currentId) : undefined;
    if (current) return this.resume(current, proposal, computer);
    return this.firstLook(proposal, computer);
  }

  private async firstLook(proposal: ProposedAction, computer: Computer): Promise<GateVerdict> {
    const { redis, audit, publisher } = this.deps.backend;
    const previousAction = (await redis.get(redisKeys.lastAction(proposal.runId))) ?? undefined;
    const decision = evaluatePolicy(
      proposal.action,
      {
        desktop: this.deps.desktop,
        previousAction: previousAction as ComputerAction["action"] | undefined,
      },
      this.deps.policy,
    );
    const at = this.now();
    const base = { runId: proposal.runId, at, step: proposal.step, action: proposal.action };
    const rationale = proposal.rationale ? { rationale: proposal.rationale } : {};
    if (decision.kind === "deny") {
      await audit.append({
        ...base,
        type: "action.denied_by_policy",
        ruleId: decision.ruleId,
        reason: decision.reason,
      });
      await publisher.announce({
        ...base,
        ...rationale,
        type: "step.proposed",
        review: { kind: "denied_by_policy", ruleId: decision.ruleId, reason: decision.reason },
      });
      return { kind: "deny", reason: `blocked by policy: ${decision.reason}` };
    }
    const trusted = decision.kind === "ask" && (await this.inTrustWindow(proposal.runId));
    if (decision.kind === "allow" || trusted) {
      const basis = decision.kind === "allow" ? ("policy" as const) : ("trust_window" as const);
      await audit.append({ ...base, type: "action.auto_approved", basis, ruleId: decision.ruleId });
      await publisher.announce({
        ...base,
        ...rationale,
        type: "step.proposed",
        review: { kind: "auto_approved", basis, ruleId: decision.ruleId },
      });
      return this.approve(proposal.runId, proposal.action);
    }
    return this.ask(proposal, computer, decision as AskSettings, 1);
  }

  private async ask(
    proposal: ProposedAction,
    computer: Computer,
    settings: AskSettings,
    attempt: number,
  ): Promise<never> {
    const { redis, store, audit, publisher, screenshots, queues } = this.deps.backend;
    const approvalId = approvalIdFor(proposal.runId, proposal.step, attempt);
    const requestedAt = new Date(this.deps.backend.now());
    const expiresAt = new Date(requestedAt.getTime() + settings.timeoutMs);
    const screenshot = await computer.screenshot();
    const ttl = settings.timeoutMs + 24 * 3600_000;
    await screenshots.put(`${approvalId}-raw`, screenshot.png, ttl);
    const cardImage = await this.deps.renderApprovalImage(screenshot, proposal.action);
    const card = await screenshots.put(`${approvalId}-card`, cardImage, ttl);
    const request: ApprovalRequest = {
      approvalId,
      runId: proposal.runId,
      step: proposal.step,
      desktop: this.deps.desktop,
      action: proposal.action,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      screenshotKey: card,
      screen: { width: screenshot.width, height: screenshot.height },
      requestedAt: requestedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      requiredApprovals: settings.requiredApprovals,
      expiryMode: settings.expiryMode,
      renotifyEveryMs: settings.renotifyEveryMs,
      ruleId: settings.ruleId,
    };
    const state = await store.create(request);
    // Once: a run resumed after a crash in here asks again with the same id.
    await audit.appendOnce(
      {
        type: "approval.requested",
        runId: proposal.runId,
        at: request.requestedAt,
        approvalId,
        step: proposal.step,
        action: proposal.action,
        ruleId: settings.ruleId,
        requiredApprovals: settings.requiredApprovals,
        expiresAt: request.expiresAt,
        ...(settings.shadowDenied ? { shadowDenied: settings.shadowDenied } : {}),
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
      action: proposal.action,
      ...(proposal.rationale ? { rationale: proposal.rationale } : {}),
      review: { kind: "asked", approval: request },
    });
    await enqueue(
      queues.deadlines(),
      "approval.expire",
      { approvalId, runId: proposal.runId, reminder: 0 },
      {
        delay: settings.timeoutMs,
        jobId: `deadline-${approvalId}`,
      },
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
    state: ApprovalState,
    proposal: ProposedAction,
    computer: Computer,
  ): Promise<GateVerdict> {
    const { registry } = this.deps.backend;
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
      case "approved": {
        const difference = await this.screenChange(request.approvalId, computer);
        if (difference > this.deps.screenChangeThreshold) {
          this.deps.logger.warn(
            { runId: proposal.runId, approvalId: request.approvalId, difference },
            "the screen changed since the approver saw it; asking again",
          );
          await this.deps.backend.audit.append({
            type: "action.blocked_screen_changed",
            runId: proposal.runId,
            at: this.now(),
            step: proposal.step,
            difference,
          });
          const attempt =
            Number(
              /_(\d+)$/.exec(
                request.approvalId.slice(`apr_${request.runId}_${request.step}`.length),
              )?.[1] ?? 1,
            ) + 1;
          return this.ask(proposal, computer, this.settingsOf(request), attempt);
        }
        const action = outcome.editedAction ?? request.action;
        const edited = outcome.editedAction !== undefined;
        const approvers = outcome.approvals.map((a) => a.by);
        return this.approve(
          proposal.runId,
          action,
          edited ? describeEdit(request.action, action, approvers) : undefined,
        );
      }
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
    const { queues, store } = this.deps.backend;
    const until =
      request.expiryMode === "deny"
        ? new Date(request.expiresAt).getTime() + 60_000
        : Date.now() + parkedHorizonMs;
    return parkJob(this.deps.job, this.deps.token, until, async () => {
      // A decision that landed before the job was delayed could not promote it: do it now.
      const latest = await store.get(request.approvalId);
      if (latest?.status === "decided")
        await wakeJob(queues.runs(this.deps.desktop), request.runId);
    });
  }

  private async approve(
    runId: string,
    action: ComputerAction,
    note?: string,
  ): Promise<GateVerdict> {
    // The fence: if this attempt lost its job lock, another attempt owns the run now.
    if (!(await holdsJobLock(this.deps.backend.redis, this.deps.job, this.deps.token))) {
      throw new JobLockLostError(this.deps.job, `not acting for run ${runId}`);
    }
    await this.deps.backend.redis.set(redisKeys.lastAction(runId), action.action);
    return note ? { kind: "approve", action, note } : { kind: "approve", action };
  }

  private async screenChange(approvalId: string, computer: Computer): Promise<number> {
    const seen = await this.deps.backend.screenshots.read(
      redisKeys.screenshot(`${approvalId}-raw`),
    );
    if (!seen) return 0;
    return this.deps.screenDifference(seen, (await computer.screenshot()).png);
  }

  private async inTrustWindow(runId: string): Promise<boolean> {
    const until = await this.deps.backend.redis.get(redisKeys.trustUntil(runId));
    return until !== null && Number(until) > this.deps.backend.now().getTime();
  }

  private settingsOf(request: ApprovalRequest): AskSettings {
    return {
      kind: "ask",
      ruleId: request.ruleId ?? "default",
      requiredApprovals: request.requiredApprovals,
      timeoutMs: this.timeoutOf(request),
      expiryMode: request.expiryMode,
      renotifyEveryMs: request.renotifyEveryMs ?? 10 * 60_000,
    };
  }

  private timeoutOf(request: ApprovalRequest): number {
    return new Date(request.expiresAt).getTime() - new Date(request.requestedAt).getTime();
  }

  private now(): string {
    return this.deps.backend.now().toISOString();
  }
}
