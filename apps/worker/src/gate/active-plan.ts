import { redisKeys } from "@deskgate/approvals";
import {
  actorSchema,
  approvalIdSchema,
  type ComputerAction,
  type DesktopInputState,
  desktopInputStateSchema,
  fingerprintSchema,
} from "@deskgate/contracts";
import { actionFingerprint, planEffects } from "@deskgate/effects";
import type { Authorization } from "@deskgate/policy";
import type { Redis } from "@deskgate/redis";
import { z } from "zod";
import { coverableByOnePerson } from "./coverage.ts";

/**
 * An approved plan whose later steps have not run yet: which step comes next, each step's
 * fingerprint and the input state it was judged with, and who approved it.
 */
export const activePlanSchema = z.object({
  approvalId: approvalIdSchema,
  nextStep: z.number().int().min(1),
  steps: z.array(
    z.object({
      step: z.number().int().min(1),
      fingerprint: fingerprintSchema,
      input: desktopInputStateSchema,
      /** The approver held it back: it is asked about on its own, and the plan goes on. */
      heldBack: z.boolean().optional(),
    }),
  ),
  approvers: z.array(actorSchema).min(1),
});
export type ActivePlan = z.infer<typeof activePlanSchema>;

/**
 * A plan's steps follow each other within one model turn, but a held-back step in the
 * middle waits for its own decision (up to a day); past this the plan is stale.
 */
const activePlanTtlMs = 24 * 3600_000;

/** The run's active plan in Redis; one writer: the worker running the run. */
export class ActivePlanStore {
  constructor(private readonly redis: Redis) {}

  async read(runId: string): Promise<ActivePlan | undefined> {
    const raw = await this.redis.get(redisKeys.activePlan(runId));
    return raw ? activePlanSchema.safeParse(JSON.parse(raw)).data : undefined;
  }

  async save(runId: string, plan: ActivePlan): Promise<void> {
    if (plan.steps.every((step) => step.step < plan.nextStep)) return this.clear(runId);
    await this.redis.set(
      redisKeys.activePlan(runId),
      JSON.stringify(activePlanSchema.parse(plan)),
      "PX",
      activePlanTtlMs,
    );
  }

  async clear(runId: string): Promise<void> {
    await this.redis.del(redisKeys.activePlan(runId));
  }
}

export type PlanStepCheck =
  | { kind: "not_in_plan" }
  /** Held back by the approver: asked about on its own; the plan goes on after it. */
  | { kind: "held_back" }
  | { kind: "stop"; reason: string }
  | { kind: "covered"; input: DesktopInputState };

/**
 * Whether an approved plan covers a proposed step, right before it runs. The step must be
 * the plan's next one and exactly the approved action; the policy, judging it against
 * the desktop now, must still let one person's approval cover it; an action "at the
 * pointer" must still act where the plan expected; and keys must reach the window the
 * plan expected (the one focused at approval, or the one a step's click landed on).
 * The gate then compares the screen around its targets. Pure.
 */
export function checkPlanStep(
  plan: ActivePlan,
  step: number,
  action: ComputerAction,
  authorization: Authorization,
  now: DesktopInputState,
): PlanStepCheck {
  const entry = plan.steps.find((candidate) => candidate.step === step);
  if (!entry || step !== plan.nextStep) return { kind: "not_in_plan" };
  if (actionFingerprint(action) !== entry.fingerprint)
    return { kind: "stop", reason: "the action is not the one the plan approved" };
  if (entry.heldBack) return { kind: "held_back" };
  if (authorization.kind === "deny") return { kind: "stop", reason: authorization.reason };
  if (authorization.kind === "ask" && !coverableByOnePerson(authorization))
    return {
      kind: "stop",
      reason: `the policy now asks for a decision of its own (rule "${authorization.ruleId}")`,
    };
  const effects = planEffects(action, now).effects;
  const atPointer =
    effects.some((effect) => effect.points !== undefined) &&
    !("coordinate" in action && action.coordinate !== undefined);
  if (
    atPointer &&
    (now.pointer === undefined ||
      JSON.stringify(now.pointer) !== JSON.stringify(entry.input.pointer))
  )
    return { kind: "stop", reason: "the pointer is not where the plan expected it" };
  const keys = effects.some((effect) => effect.combo !== undefined || effect.text !== undefined);
  if (keys && (now.window?.id === undefined || now.window.id !== entry.input.window?.id))
    return {
      kind: "stop",
      reason: `the keys would reach another window than the plan expected (${entry.input.window?.title ?? "unknown"} → ${now.window?.title ?? "unknown"})`,
    };
  return { kind: "covered", input: now };
}
