import { createLogger, type Logger } from "@deskgate/core";
import { RecordingComputer } from "@deskgate/desktop/testing";
import {
  type FakeAnthropic,
  type ScriptStep,
  startFakeAnthropic,
} from "@deskgate/test-support/fake-anthropic";
import { afterEach } from "vitest";
import { runAgentLoop } from "./agent-loop.ts";
import type { AgentLoopOptions, RunLimits } from "./agent-loop-options.ts";
import { type AnthropicModelOptions, createAnthropicModel } from "./anthropic-model.ts";
import type { ApprovalGate } from "./approval-gate.ts";
import type { RunOutcome } from "./run-outcome.ts";
import { createRunState, type RunState } from "./run-state.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";

export const testApiKey = "sk-ant-test-key";
export const defaultLimits: RunLimits = {
  maxSteps: 50,
  maxWallMs: 3_600_000,
  maxTokens: 1_000_000,
  keepScreenshots: 3,
};

export interface LoopHarness {
  fake: FakeAnthropic;
  computer: RecordingComputer;
  gate: ApprovalGate;
  /** Deep copies of every checkpointed state, in order. */
  checkpoints: RunState[];
  state: RunState;
  run(): Promise<RunOutcome>;
  close(): Promise<void>;
}

/**
 * The real loop and the real SDK against the fake Messages API on loopback, with a
 * recording computer and a scripted gate. Tests close it (or use `usingHarness`).
 */
export async function startLoopHarness(
  script: ScriptStep[],
  options: {
    gate?: ApprovalGate;
    model?: Partial<AnthropicModelOptions>;
    state?: RunState;
    fake?: FakeAnthropic;
    computer?: RecordingComputer;
    logger?: Logger;
    overrides?: Partial<AgentLoopOptions>;
  } = {},
): Promise<LoopHarness> {
  const fake = options.fake ?? (await startFakeAnthropic({ script, apiKey: testApiKey }));
  const logger = options.logger ?? createLogger({ level: "silent" });
  const computer = options.computer ?? new RecordingComputer({ width: 1280, height: 800 });
  const gate = options.gate ?? new ScriptedGate();
  const checkpoints: RunState[] = [];
  const model = createAnthropicModel({
    apiKey: testApiKey,
    baseURL: fake.baseURL,
    model: "claude-sonnet-4-6",
    maxRetries: 2,
    logger,
    ...options.model,
  });
  const state =
    options.state ??
    createRunState({ runId: "run_test01", task: "print the date", now: new Date() });
  return {
    fake,
    computer,
    gate,
    checkpoints,
    state,
    run: () =>
      runAgentLoop({
        state,
        model,
        computer,
        gate,
        checkpoint: async (s) => void checkpoints.push(structuredClone(s)),
        isCancelled: async () => false,
        limits: defaultLimits,
        logger,
        modelRetry: { firstDelayMs: 1, maxDelayMs: 4 },
        ...options.overrides,
      }),
    close: () => fake.close(),
  };
}

/** `startLoopHarness` for a test file: every harness a test starts is closed after it. */
export function harnessPerTest(): typeof startLoopHarness {
  const open: LoopHarness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  return async (...args) => {
    const started = await startLoopHarness(...args);
    open.push(started);
    return started;
  };
}

type Block = Record<string, unknown>;

/** The content of the last message of request `index` (default: the latest request). */
export function lastMessageContent(fake: FakeAnthropic, index = -1): Block[] {
  const content = fake.requests.at(index)?.body.messages.at(-1)?.content;
  return Array.isArray(content) ? content : [];
}

export function countImages(value: unknown): number {
  return JSON.stringify(value).split('"type":"image"').length - 1;
}
