import type { RiskJudge } from "@deskgate/agent";
import {
  type ApprovalBackend,
  createApprovalBackend,
  createRunEventConsumer,
} from "@deskgate/approvals";
import {
  type ComputerAction,
  currentVersion,
  type RunEvent,
  type RunRecord,
  type RunRequest,
} from "@deskgate/contracts";
import { createLogger, settleWithin } from "@deskgate/core";
import { createScreenBinding } from "@deskgate/desktop";
import { blackScreenPng, RecordingComputer } from "@deskgate/desktop/testing";
import { actionFingerprint } from "@deskgate/effects";
import { parsePolicy } from "@deskgate/policy";
import type { Worker } from "@deskgate/queue";
import {
  connectRedis,
  connectRedisTopology,
  type Redis,
  type RedisTopology,
} from "@deskgate/redis";
import { waitFor } from "@deskgate/test-support/app-process";
import { type DesktopWorker, startDesktopWorker } from "../desktop-worker.ts";
import { createScriptedRunAgent, deniedKey, executedKey } from "./scripted-run-agent.ts";

export const testLogger = createLogger({
  level: process.env.DESKGATE_TEST_LOG === "1" ? "debug" : "silent",
});

/** Everything a gate test needs over one private Redis: the backend, desktops, and the announcements. */
export class GateHarness {
  readonly connections: Redis[] = [];
  readonly logger = testLogger;
  readonly backend: ApprovalBackend;
  readonly events: RunEvent[] = [];
  readonly desktops: DesktopWorker[] = [];
  /** Every desktop's computer, to change what their screens show. */
  readonly computers: RecordingComputer[] = [];
  /** Every card image asked for: the action and the pointer it was to mark. */
  readonly rendered: Array<{ action: ComputerAction; pointer: [number, number] | undefined }> = [];
  private consumer: Worker | undefined;
  private runCounter = 0;

  /**
   * A redis:// URL, or any topology (Sentinel, Cluster). `closeTimeoutMs` bounds each
   * desktop's close: after a failover, BullMQ's close can wait on a connection to the dead
   * node until the bound (taskforcesh/bullmq#4656).
   */
  constructor(
    readonly redis: string | RedisTopology,
    private readonly options: { closeTimeoutMs?: number } = {},
  ) {
    this.backend = createApprovalBackend(this.connect(), testLogger);
  }

  connect(): Redis {
    const redis =
      typeof this.redis === "string" ? connectRedis(this.redis) : connectRedisTopology(this.redis);
    this.connections.push(redis);
    return redis;
  }

  collectEvents(): void {
    this.consumer = createRunEventConsumer({
      connection: this.connect(),
      handler: async (event) => void this.events.push(event),
      logger: this.logger,
    });
  }

  async startDesktop(options: {
    desktop?: string;
    actions: ComputerAction[];
    policy?: unknown;
    actionMs?: number;
    /** The PNG every screenshot returns (default: a white 4×4 image). */
    screenshotPng?: Buffer;
    rationale?: string;
    /** How many actions each model turn holds (plans): see `createScriptedRunAgent`. */
    turnSizes?: readonly number[];
    onApproved?: (step: number, action: ComputerAction) => Promise<void> | void;
    riskJudge?: RiskJudge;
  }): Promise<DesktopWorker> {
    const connection = this.connect();
    const computer = new RecordingComputer(
      undefined,
      options.screenshotPng ? { png: options.screenshotPng } : {},
    );
    this.computers.push(computer);
    const worker = await startDesktopWorker({
      connection,
      backend: createApprovalBackend(connection, testLogger),
      desktop: options.desktop ?? "desk-a",
      model: "scripted",
      policy: parsePolicy(options.policy ?? askEverything, { approvalTimeoutMs: 60_000 }),
      computer,
      runAgent: createScriptedRunAgent({
        redis: connection,
        actions: options.actions,
        computer,
        ...(options.actionMs ? { actionMs: options.actionMs } : {}),
        ...(options.rationale ? { rationale: options.rationale } : {}),
        ...(options.turnSizes ? { turnSizes: options.turnSizes } : {}),
        ...(options.onApproved ? { onApproved: options.onApproved } : {}),
      }),
      renderApprovalImage: async (shot, marks) => {
        for (const mark of marks) this.rendered.push({ action: mark.action, pointer: mark.cursor });
        return shot.png;
      },
      screenBinding: createScreenBinding(),
      ...(options.riskJudge ? { riskJudge: options.riskJudge } : {}),
      logger: testLogger,
      ...(this.options.closeTimeoutMs ? { closeTimeoutMs: this.options.closeTimeoutMs } : {}),
    });
    this.desktops.push(worker);
    return worker;
  }

  async startRun(options: { desktop?: string; requester?: string } = {}): Promise<RunRequest> {
    this.runCounter += 1;
    const request: RunRequest = {
      runId: `run_test${String(this.runCounter).padStart(4, "0")}${Math.random().toString(36).slice(2, 8)}`,
      task: "scripted",
      requester: { userId: options.requester ?? "U_REQUESTER" },
      channel: "C1",
      requestedAt: new Date().toISOString(),
      ...(options.desktop ? { desktop: options.desktop } : {}),
    };
    await this.backend.runDesk.startRun(request);
    return request;
  }

  run(runId: string): Promise<RunRecord | undefined> {
    return this.backend.registry.get(runId);
  }

  waitForStatus(
    runId: string,
    status: RunRecord["status"],
    timeoutMs = 10_000,
  ): Promise<RunRecord> {
    return waitFor(
      async () => {
        const record = await this.run(runId);
        return record?.status === status ? record : undefined;
      },
      { timeoutMs, what: `run ${runId} to be ${status}` },
    );
  }

  /** The approval the run waits on now (a new one once the previous is decided). */
  waitForPending(runId: string, notId?: string, timeoutMs = 10_000): Promise<string> {
    return waitFor(
      async () => {
        const record = await this.run(runId);
        const id = record?.status === "waiting" ? record.pendingApprovalId : undefined;
        return id && id !== notId ? id : undefined;
      },
      { timeoutMs, what: `run ${runId} to wait for a decision` },
    );
  }

  /** Until each run's job is parked (delayed) on its desktop's queue. */
  async waitForParked(runIds: readonly string[], timeoutMs = 10_000): Promise<void> {
    for (const runId of runIds) {
      await waitFor(
        async () => {
          const desktop = (await this.run(runId))?.desktop;
          const job = desktop ? await this.backend.queues.runs(desktop).getJob(runId) : undefined;
          return (await job?.getState()) === "delayed";
        },
        { timeoutMs, what: `run ${runId} to be parked` },
      );
    }
  }

  async executed(
    runId: string,
  ): Promise<Array<{ step: number; action: ComputerAction; note: string | null }>> {
    return (await this.backend.redis.lrange(executedKey(runId), 0, -1)).map((item) =>
      JSON.parse(item),
    );
  }

  async denied(runId: string): Promise<Array<{ step: number; reason: string }>> {
    return (await this.backend.redis.lrange(deniedKey(runId), 0, -1)).map((item) =>
      JSON.parse(item),
    );
  }

  /** Every desktop's screen changes completely (from now on, screenshots are black). */
  changeScreens(): void {
    for (const computer of this.computers) computer.show(blackScreenPng);
  }

  /** Approves the version the request shows now. */
  async approve(approvalId: string, userId = "U_BOB", extra: { trustWindowMs?: number } = {}) {
    const state = await this.backend.store.get(approvalId);
    return this.backend.runDesk.decide(approvalId, {
      verdict: "approve",
      by: { userId },
      at: new Date().toISOString(),
      version: state ? currentVersion(state).number : 1,
      ...extra,
    });
  }

  /** An approver's edit of the version the request shows now, needing `requiredApprovals`. */
  async edit(approvalId: string, action: ComputerAction, userId = "U_BOB", requiredApprovals = 1) {
    const state = await this.backend.store.get(approvalId);
    return this.backend.runDesk.decide(approvalId, {
      verdict: "edit",
      by: { userId },
      at: new Date().toISOString(),
      basedOn: state ? currentVersion(state).number : 1,
      action,
      fingerprint: actionFingerprint(action),
      requiredApprovals,
    });
  }

  deny(approvalId: string, reason: string, userId = "U_BOB") {
    return this.backend.runDesk.decide(approvalId, {
      verdict: "deny",
      by: { userId },
      at: new Date().toISOString(),
      reason,
    });
  }

  async close(): Promise<void> {
    // Bounded like the apps' shutdown: a BullMQ close that started while Redis was
    // reconnecting never ends (taskforcesh/bullmq#4656).
    const bound = this.options.closeTimeoutMs ?? 10_000;
    if (this.consumer) await settleWithin(this.consumer.close(), bound);
    await Promise.all(this.desktops.map((desktop) => desktop.close()));
    await settleWithin(this.backend.queues.close(), bound);
    for (const connection of this.connections) connection.disconnect();
  }
}

export const askEverything = { rules: [{ id: "ask-all", match: {}, decision: "ask" }] };
