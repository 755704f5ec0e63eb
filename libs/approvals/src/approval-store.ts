import { readFileSync } from "node:fs";
import {
  type Actor,
  type ApprovalRequest,
  type ApprovalState,
  approvalRequestSchema,
  approvalStateSchema,
  type Decision,
  parseOrThrow,
} from "@deskgate/contracts";
import { versionFingerprint } from "@deskgate/effects";
import type { Redis } from "@deskgate/redis";
import { parseLuaJson } from "./lua-json.ts";
import { redisKeys } from "./redis-keys.ts";

const transitionScript = readFileSync(
  new URL("./approval-transition.lua", import.meta.url),
  "utf8",
);

export type TransitionResult =
  | {
      kind:
        | "decided"
        | "recorded"
        | "duplicate_approver"
        | "already_decided"
        | "parked"
        | "unchanged"
        | "edited"
        | "stale_version";
      state: ApprovalState;
    }
  | { kind: "not_found" };

/** Keep a decided request this long after its deadline, for late clicks and the audit. */
const retentionMs = 7 * 24 * 3600_000;

/**
 * Approval requests in Redis. Every change is one Lua script run, so concurrent clicks
 * cannot both win: the first decision is stored and every later caller gets it back.
 */
export class ApprovalStore {
  constructor(private readonly redis: Redis) {}

  /** Stores a new pending request; returns the existing state if the id is taken. */
  async create(proposed: ApprovalRequest): Promise<ApprovalState> {
    // Parsed, so free text is well-formed before it reaches the Lua JSON decoder.
    const request = parseOrThrow(approvalRequestSchema, proposed, "approval request");
    const plan = request.plan?.map((step) => step.action);
    if (request.plan && request.plan[0]?.step !== request.step)
      throw new RangeError("a plan starts with its request's own step");
    if (
      plan &&
      versionFingerprint({ action: plan[0]! }) !== versionFingerprint({ action: request.action })
    )
      throw new RangeError("a plan starts with its request's own action");
    const state: ApprovalState = {
      request,
      status: "pending",
      versions: [
        {
          number: 1,
          action: request.action,
          fingerprint: versionFingerprint({ action: request.action, plan }),
          requiredApprovals: request.requiredApprovals,
          at: request.requestedAt,
          ...(plan ? { plan } : {}),
        },
      ],
      approvals: [],
    };
    const created = await this.redis.set(
      redisKeys.approval(request.approvalId),
      JSON.stringify(state),
      "PX",
      approvalRetentionMs(request, new Date()),
      "NX",
    );
    if (created === "OK") return state;
    const existing = await this.get(request.approvalId);
    if (!existing) throw new Error(`approval ${request.approvalId} vanished while being created`);
    return existing;
  }

  async get(approvalId: string): Promise<ApprovalState | undefined> {
    const raw = await this.redis.get(redisKeys.approval(approvalId));
    return raw ? parseState(raw) : undefined;
  }

  decide(approvalId: string, decision: Decision): Promise<TransitionResult> {
    return this.transition(approvalId, { kind: "decide", decision });
  }

  expire(approvalId: string, at: Date): Promise<TransitionResult> {
    return this.transition(approvalId, { kind: "expire", at: at.toISOString() });
  }

  park(approvalId: string): Promise<TransitionResult> {
    return this.transition(approvalId, { kind: "park" });
  }

  cancel(approvalId: string, at: Date, by?: Actor): Promise<TransitionResult> {
    return this.transition(approvalId, {
      kind: "cancel",
      at: at.toISOString(),
      ...(by ? { by } : {}),
    });
  }

  private async transition(
    approvalId: string,
    event: Record<string, unknown>,
  ): Promise<TransitionResult> {
    const [kind, raw] = (await this.redis.eval(
      transitionScript,
      1,
      redisKeys.approval(approvalId),
      JSON.stringify(event),
    )) as [string, string];
    if (kind === "not_found") return { kind };
    return { kind: kind as Exclude<TransitionResult["kind"], "not_found">, state: parseState(raw) };
  }
}

/** A state the transition script wrote back (see `parseLuaJson` for its empty arrays). */
function parseState(raw: string): ApprovalState {
  const parsed = parseLuaJson(approvalStateSchema, raw);
  if (parsed.success) return parsed.data;
  return parseOrThrow(approvalStateSchema, JSON.parse(raw), "stored approval");
}

/**
 * How long a request (and what belongs to it: its card image, its screen baseline) is kept:
 * until a week after its deadline, so a parked request can still be decided and compared.
 */
export function approvalRetentionMs(request: ApprovalRequest, now: Date): number {
  return Math.max(new Date(request.expiresAt).getTime() - now.getTime() + retentionMs, 60_000);
}

/** One deterministic id per run step (and attempt, when the screen changed): a resumed run finds its request. */
export function approvalIdFor(runId: string, step: number, attempt = 1): string {
  return `apr_${runId}_${step}${attempt > 1 ? `_${attempt}` : ""}`;
}
