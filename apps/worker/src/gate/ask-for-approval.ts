import type { RiskJudge } from "@deskgate/agent";
import {
  type ApprovalBackend,
  approvalIdFor,
  approvalRetentionMs,
  redisKeys,
} from "@deskgate/approvals";
import type {
  ApprovalRequest,
  ApprovalState,
  ComputerAction,
  Coordinate,
  DesktopInputState,
  ProposedAction,
  RiskOpinion,
} from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import type { Computer, PlanMark, Screenshot } from "@deskgate/desktop";
import { versionFingerprint } from "@deskgate/effects";
import type { AskSettings } from "@deskgate/policy";
import { enqueue } from "@deskgate/queue";
import { targetsOf } from "./execution-check.ts";
import type { PlannedStep } from "./plan-builder.ts";
import type { ScreenBinding } from "./redis-approval-gate.ts";
import { withRiskOpinions } from "./risk-opinions.ts";

/** What to ask a person about: an action (or a plan), the desktop it was judged on, how to ask. */
export interface AskFor extends AskSettings {
  action: ComputerAction;
  input: DesktopInputState;
  ruleId: string;
  shadowDenied?: { ruleId: string; reason: string } | undefined;
  /** A plan card: this step and the following ones (first = this one). */
  plan?: PlannedStep[] | undefined;
  /** The card may offer "Approve & allow similar…". */
  grantable?: boolean;
  riskOpinion?: RiskOpinion | undefined;
}

export interface AskDeps {
  backend: ApprovalBackend;
  desktop: string;
  screenBinding: ScreenBinding;
  /** The card's image: the screenshot with each step's target marked (numbered for plans). */
  renderApprovalImage: (screenshot: Screenshot, marks: PlanMark[]) => Promise<Buffer>;
  /** RISK_JUDGE_MODEL: a second opinion on each card, which may only raise its risk. */
  riskJudge?: RiskJudge | undefined;
  logger: Logger;
}

function marksOf(asked: AskFor): PlanMark[] {
  return (asked.plan ?? [asked]).map((step) => ({
    action: step.action,
    cursor: step.input.pointer,
  }));
}

/**
 * The risk judge's opinions applied to what is asked (`withRiskOpinions`), judged on the
 * card's image. A judge that fails or is slow leaves the policy's ratings, which it could
 * only have raised; the failure is logged.
 */
async function secondOpinion(
  deps: AskDeps,
  proposal: ProposedAction,
  asked: AskFor,
  image: Buffer,
): Promise<AskFor> {
  const judge = deps.riskJudge;
  if (!judge) return asked;
  const steps = (asked.plan ?? [{ step: proposal.step, ...asked }])
    .map((step, index) => ({ ...step, mark: index + 1 }))
    .filter((step) => !("authorization" in step) || step.authorization.kind === "ask")
    .map(({ step, action, risk, mark }) => ({ step, action, risk, mark }));
  try {
    return withRiskOpinions(asked, await judge.judge({ steps, image }));
  } catch (err) {
    deps.logger.warn(
      { runId: proposal.runId, step: proposal.step, model: judge.model, err },
      "risk judge failed; the policy's risk stands",
    );
    return asked;
  }
}

/**
 * Asks people: stores the request with the screen baseline and the card's image, records
 * it in the audit trail, announces the card, and schedules its deadline and escalation.
 * Idempotent per (step, attempt): a run resumed after a crash in here asks again with the
 * same id and finds what was already done. Returns the stored state; the caller parks.
 */
export async function askForApproval(
  deps: AskDeps,
  proposal: ProposedAction,
  computer: Computer,
  policyAsked: AskFor,
  attempt: number,
): Promise<ApprovalState> {
  const { redis, store, audit, publisher, screenshots, queues } = deps.backend;
  const approvalId = approvalIdFor(proposal.runId, proposal.step, attempt);
  const screenshot = await computer.screenshot({ purpose: "check" });
  const marked = await deps.renderApprovalImage(screenshot, marksOf(policyAsked));
  const asked = await secondOpinion(deps, proposal, policyAsked, marked);
  // The deadline counts from when people can see the card, after the judge.
  const requestedAt = new Date(deps.backend.now());
  const expiresAt = new Date(requestedAt.getTime() + asked.timeoutMs);
  // A plan the judge cut is drawn again with its remaining steps only.
  const cardImage =
    asked.plan?.length === policyAsked.plan?.length
      ? marked
      : await deps.renderApprovalImage(screenshot, marksOf(asked));
  const steps = asked.plan ?? [{ step: proposal.step, action: asked.action, input: asked.input }];
  const draft: ApprovalRequest = {
    approvalId,
    runId: proposal.runId,
    step: proposal.step,
    desktop: deps.desktop,
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
    risk: asked.risk,
    ...(asked.riskOpinion ? { riskOpinion: asked.riskOpinion } : {}),
    ...(asked.plan
      ? {
          plan: asked.plan.map(({ step, action, input, risk, authorization }) => ({
            step,
            action,
            input,
            risk,
            ...(authorization.kind === "allow" ? { byPolicy: true as const } : {}),
          })),
        }
      : {}),
    ...(asked.grantable ? { grantable: true } : {}),
    ...(asked.escalation ? { escalation: asked.escalation } : {}),
  };
  // Kept as long as the request itself: a request decided days later is still compared.
  const keepMs = approvalRetentionMs(draft, requestedAt);
  const targets: Coordinate[] = steps.flatMap((step) => targetsOf(step.action, step.input));
  const baseline = await deps.screenBinding.capture(screenshot, targets);
  await redis.set(redisKeys.screenBaseline(approvalId), baseline, "PX", keepMs);
  const card = await screenshots.put(`${approvalId}-card`, cardImage, keepMs);
  const request: ApprovalRequest = { ...draft, screenshotKey: card };
  const state = await store.create(request);
  await audit.appendOnce(
    {
      type: "approval.requested",
      runId: proposal.runId,
      at: request.requestedAt,
      approvalId,
      step: proposal.step,
      action: asked.action,
      ruleId: asked.ruleId,
      fingerprint: versionFingerprint({
        action: asked.action,
        plan: request.plan?.map((s) => s.action),
      }),
      requiredApprovals: asked.requiredApprovals,
      expiresAt: request.expiresAt,
      risk: asked.risk,
      ...(asked.riskOpinion ? { riskOpinion: asked.riskOpinion } : {}),
      ...(asked.shadowDenied ? { shadowDenied: asked.shadowDenied } : {}),
      ...(request.plan ? { planSteps: request.plan.map((step) => step.step) } : {}),
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
  const stages = [
    ["remind", asked.escalation?.remindAfterMs],
    ["backup", asked.escalation?.backupAfterMs],
  ] as const;
  for (const [stage, delay] of stages) {
    if (delay === undefined) continue;
    await enqueue(
      queues.deadlines(),
      "approval.escalate",
      { approvalId, runId: proposal.runId, stage },
      { delay, jobId: `escalate-${approvalId}-${stage}` },
    );
  }
  return state;
}
