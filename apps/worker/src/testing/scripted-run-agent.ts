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
  /**
   * How many of `actions` each model turn holds, in order (default: one each): each
   * proposal names the rest of its turn (`nextInTurn`), as the real loop does.
   */
  turnSizes?: readonly number[];
  /** Called after each approved action is recorded (a test changes the screen here). */
  onApproved?: (step: number, action: ComputerAction) => Promise<void> | void;
}): RunAgent {
  const turnEnd = turnEnds(options.actions.length, options.turnSizes);
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
          ...nextInTurnOf(options.actions, index, turnEnd[index]!),
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
          await options.onApproved?.(step, verdict.action);
          break;
      }
      index += 1;
      await checkpoints.save(runId, { index });
    }
    return { status: "finished", summary: emptySummary("the script finished") };
  };
}

/** For each action, the index one past the last action of its turn. */
function turnEnds(count: number, sizes: readonly number[] | undefined): number[] {
  const ends: number[] = [];
  let start = 0;
  for (const size of sizes ?? []) {
    for (let i = 0; i < size && start + i < count; i += 1) ends.push(Math.min(start + size, count));
    start += size;
  }
  while (ends.length < count) ends.push(ends.length + 1);
  return ends;
}

function nextInTurnOf(actions: readonly ComputerAction[], index: number, end: number) {
  const next = actions
    .slice(index + 1, end)
    .map((action, offset) => ({ step: index + 2 + offset, action }));
  return next.length > 0 ? { nextInTurn: next } : {};
}
