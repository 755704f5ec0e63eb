import type { GateVerdict } from "@deskgate/agent";
import { type ApprovalBackend, createApprovalBackend } from "@deskgate/approvals";
import type { ProposedAction } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";
import { type Computer, createScreenBinding } from "@deskgate/desktop";
import type { Policy } from "@deskgate/policy";
import { connectRedis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { RedisApprovalGate } from "../../apps/worker/src/gate/redis-approval-gate.ts";
import type { RunParking } from "../../apps/worker/src/gate/run-parking.ts";
import { GateHarness } from "../../apps/worker/src/testing/gate-harness.ts";

/** Thrown where the worker would park the run's job: the test decides, then reviews again. */
export class Parked extends Error {}

const parking: RunParking = {
  park: async () => {
    throw new Parked();
  },
  assertOwned: async () => undefined,
};

/**
 * The worker's gate for one running run on `desktop`, driven by the test instead of a
 * queue: the run is recorded as running, and asking a person throws `Parked`.
 */
export async function directGate(
  backend: ApprovalBackend,
  options: { runId: string; desktop: string; task: string; policy: Policy; logger: Logger },
): Promise<RedisApprovalGate> {
  await backend.registry.put({
    request: {
      runId: options.runId,
      task: options.task,
      requester: { userId: "U0" },
      channel: "C1",
      requestedAt: new Date().toISOString(),
    },
    status: "running",
    step: 0,
    updatedAt: new Date().toISOString(),
  });
  return new RedisApprovalGate({
    backend,
    policy: options.policy,
    desktop: options.desktop,
    parking,
    renderApprovalImage: async (shot) => shot.png,
    screenBinding: createScreenBinding(),
    logger: options.logger,
  });
}

/**
 * Reviews one proposal until the gate gives a verdict. Each time it parks the run on a
 * request, `decide(approvalId, round)` acts on that request as people would and says
 * whether to review again; `undefined` when it gives up.
 */
export async function reviewUntilVerdict(
  backend: ApprovalBackend,
  gate: RedisApprovalGate,
  proposal: ProposedAction,
  computer: Computer,
  decide: (approvalId: string, round: number) => Promise<boolean>,
): Promise<GateVerdict | undefined> {
  for (let round = 0; ; round += 1) {
    try {
      return await gate.review(proposal, { computer });
    } catch (err) {
      if (!(err instanceof Parked)) throw err;
      const approvalId = (await backend.registry.get(proposal.runId))!.pendingApprovalId!;
      if (!(await decide(approvalId, round))) return undefined;
    }
  }
}

/**
 * A private redis-server (no AOF: property tests write a lot) and an approval backend on it,
 * started before the file's tests and stopped after them. Read `backend` inside tests.
 */
export function backendForFile(logger: Logger): { readonly backend: ApprovalBackend } {
  let redis: PrivateRedis | undefined;
  let backend: ApprovalBackend | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis({ appendOnly: false });
    backend = createApprovalBackend(connectRedis(redis.url), logger);
  });
  afterAll(async () => {
    await backend?.queues.close();
    backend?.redis.disconnect();
    await redis?.dispose();
  });
  return {
    get backend() {
      if (!backend) throw new Error("the backend starts before the file's tests");
      return backend;
    },
  };
}

/** A private redis-server and a GateHarness on it, fresh for each test of the file. */
export function gateHarnessPerTest(): { readonly harness: GateHarness } {
  let redis: PrivateRedis | undefined;
  let harness: GateHarness | undefined;
  beforeEach(async () => {
    redis = await startPrivateRedis();
    harness = new GateHarness(redis.url);
  });
  afterEach(async () => {
    await harness?.close();
    await redis?.dispose();
  });
  return {
    get harness() {
      if (!harness) throw new Error("the harness starts before each test");
      return harness;
    },
  };
}
