import { setTimeout as sleep } from "node:timers/promises";
import type { ComputerAction } from "@deskgate/contracts";
import type { Computer } from "@deskgate/desktop";
import type { Redis } from "@deskgate/redis";
import type { RunAgent } from "../handlers/run-agent.ts";
import { emptySummary } from "../handlers/run-agent-job.ts";

export const executedKey = (runId: string) => `test:executed:${runId}`;
export const deniedKey = (runId: string) => `test:denied:${runId}`;
export const interruptedKey = (runId: string) => `test:interrupted:${runId}`;

/**
 * A RunAgent without a model: proposes `actions` in order through the gate, and for each
 * approved one appends {step, action, note} to a Redis list, so exactly-once execution can
 * be checked across processes. Checkpoints its position like the real loop does.
 */
export function createScriptedRunAgent(options: {
  redis: Redis;
  actions: ComputerAction[];
  computer: Computer;
  /** How long "executing" an action takes (to test cancel during an action). */
  actionMs?: number;
  /** The "why" sent with every proposal. */
  rationale?: string;
}): RunAgent {
  return async ({ request, gate, checkpoints, isCancelled }) => {
    const runId = request.runId;
    const saved = (await checkpoints.load(runId)) as
      | { index: number; inFlight?: number }
      | undefined;
    let index = saved?.index ?? 0;
    if (saved?.inFlight !== undefined) {
      // Started before a crash, never recorded as finished: not replayed (as the real loop).
      await options.redis.rpush(interruptedKey(runId), String(saved.inFlight));
      index = saved.inFlight;
      await checkpoints.save(runId, { index });
    }
    while (index < options.actions.length) {
      if (await isCancelled())
        return { status: "cancelled", summary: emptySummary("the run was stopped") };
      const step = index + 1;
      await checkpoints.save(runId, { index });
      const verdict = await gate.review(
        {
          runId,
          step,
          toolUseId: `toolu_${step}`,
          action: options.actions[index]!,
          ...(options.rationale ? { rationale: options.rationale } : {}),
        },
        { computer: options.computer },
      );
      switch (verdict.kind) {
        case "cancel":
          return { status: "cancelled", summary: emptySummary(verdict.reason) };
        case "deny":
          await options.redis.rpush(
            deniedKey(runId),
            JSON.stringify({ step, reason: verdict.reason }),
          );
          break;
        case "approve":
          await checkpoints.save(runId, { index, inFlight: step });
          if (options.actionMs) await sleep(options.actionMs);
          await options.redis.rpush(
            executedKey(runId),
            JSON.stringify({ step, action: verdict.action, note: verdict.note ?? null }),
          );
          break;
      }
      index += 1;
      await checkpoints.save(runId, { index });
    }
    return { status: "finished", summary: emptySummary("the script finished") };
  };
}
