import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createApprovalBackend } from "@deskgate/approvals";
import type { ComputerAction } from "@deskgate/contracts";
import { createLogger } from "@deskgate/core";
import { connectRedis } from "@deskgate/redis";
import { startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  blockAction,
  FakeSlack,
  type PostedMessage,
  slashCommand,
} from "@deskgate/test-support/fake-slack";
import { executedKey } from "../../apps/worker/src/testing/scripted-run-agent.ts";
import { botProcess } from "../../e2e/app-processes.ts";
import { percentile } from "../stats.ts";
import { startWorkerProcesses } from "./worker-processes.ts";

export interface FleetScenario {
  name: string;
  runs: number;
  /** Approval channels the desktops are spread over (desktop groups g0-…, g1-…). */
  channels: number;
  /** Slack's published limits in the fake and the bot's budget, or neither. */
  throttled: boolean;
  workerProcesses: number;
  screenshot: string;
  /** How long the simulated approver takes to click a card once it is in the channel. */
  decideAfterMs: number;
}

export interface FleetResult {
  scenario: FleetScenario;
  cardDelaysMs: number[];
  askedSteps: number;
  autoSteps: number;
  lostDecisions: number;
  duplicatedDecisions: number;
  posts: { roots: number; cards: number; lineMessages: number; summaries: number; other: number };
  uploads: number;
  updates: number;
  allCalls: number;
  rateLimited: number;
  botRssMb: number[];
  allRunsFinishedS: number;
  threadsCompleteS: number;
  editsPending: number;
}

const move: ComputerAction = { action: "mouse_move", coordinate: [10, 10] };
const click: ComputerAction = { action: "left_click", coordinate: [640, 360] };
/** Each run: three auto-approved moves, a click that asks, four more moves. */
export const fleetScript: ComputerAction[] = [move, move, move, click, move, move, move, move];
const fleetPolicy = {
  rules: [
    { id: "moves-freely", match: { actions: ["mouse_move"] }, decision: "allow" },
    { id: "ask", match: {}, decision: "ask" },
  ],
};
const _repo = resolve(import.meta.dirname, "../..");
const channelOf = (group: number) => `C0FLEET${group}`;
const rssMb = (pid: number | undefined) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/**
 * One fleet: `runs` runs on as many headless desktops in several worker processes, two
 * real bot processes in Socket Mode on one Redis, a fake Slack with (or without) Slack's
 * published limits, and an approver who clicks each card `decideAfterMs` after it shows.
 * Clicks go to either bot (the fake hands each envelope to one connection in turn).
 */
export async function runFleet(scenario: FleetScenario): Promise<FleetResult> {
  const logger = createLogger({ level: "silent" });
  const redis = await startPrivateRedis();
  const client = connectRedis(redis.url);
  const backend = createApprovalBackend(client, logger);
  const slack = await new FakeSlack(scenario.throttled ? {} : { rateLimits: "off" }).start();
  const groups = Array.from({ length: scenario.channels }, (_, g) => g);
  const botEnv = {
    SLACK_CHANNELS: "C0RUNS",
    SLACK_DESKTOP_CHANNELS: groups.map((g) => `g${g}-*=${channelOf(g)}`).join(","),
    SLACK_POSTING_BUDGET: scenario.throttled ? "published" : "off",
  };
  const bots = [1, 2].map((n) =>
    botProcess({
      redisUrl: redis.url,
      slack,
      logLevel: "warn",
      label: `bot-${n}`,
      env: botEnv,
    }).start(),
  );
  const desktops = Array.from(
    { length: scenario.runs },
    (_, i) => `g${i % scenario.channels}-${i}`,
  );
  const workers = startWorkerProcesses({
    redisUrl: redis.url,
    screenshot: scenario.screenshot,
    desktops,
    processes: scenario.workerProcesses,
    env: {
      ACTIONS: JSON.stringify(fleetScript),
      POLICY: JSON.stringify(fleetPolicy),
      ACTION_MS: "300",
    },
  });
  try {
    await waitFor(() => slack.connectionCount === 2, {
      timeoutMs: 60_000,
      what: "both bots connected",
    });
    for (const worker of workers) await worker.waitForLine(/desktops ready/, 180_000);

    const clicked = new Set<string>();
    let approving = true;
    let seen = 0;
    const pending: number[] = [];
    const approver = (async () => {
      while (approving) {
        // Only the calls made since the last look: the fake answers the bots meanwhile.
        for (; seen < slack.webApi.calls.length; seen += 1) {
          const call = slack.webApi.calls[seen]!;
          if (
            call.method === "chat.postMessage" &&
            !call.rateLimited &&
            approveValueOf(call.blocks)
          )
            pending.push(seen);
        }
        const byCall = new Map(
          [...slack.webApi.messages.values()].map((m) => [m.postedByCall, m] as const),
        );
        for (const index of pending.splice(0)) {
          const card = byCall.get(index);
          const value = approveValueOf(slack.webApi.calls[index]!.blocks);
          if (!card) {
            pending.push(index);
            continue;
          }
          if (!value || clicked.has(value)) continue;
          clicked.add(value);
          setTimeout(() => {
            void slack
              .send({
                type: "interactive",
                payload: blockAction({
                  actionId: "approval.approve",
                  value,
                  userId: "U0BOB",
                  channelId: card.channel,
                  messageTs: card.ts,
                  ...(card.threadTs ? { threadTs: card.threadTs } : {}),
                }),
              })
              .catch(() => clicked.delete(value));
          }, scenario.decideAfterMs);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const started = Date.now();
    await Promise.all(
      desktops.map((desktop, i) =>
        slack.send({
          type: "slash_commands",
          payload: slashCommand(`start fleet run ${i} --desktop ${desktop}`, {
            userId: "U0ALICE",
          }),
        }),
      ),
    );
    const finished = () =>
      backend.registry
        .list(scenario.runs * 2)
        .then((runs) => runs.filter((r) => r.status === "finished").length);
    await waitFor(async () => (await finished()) === scenario.runs, {
      timeoutMs: 30 * 60_000,
      intervalMs: 500,
      what: `${scenario.runs} runs finished`,
    });
    const allRunsFinishedS = (Date.now() - started) / 1000;
    await waitFor(() => summariesIn(slack).length >= scenario.runs, {
      timeoutMs: 30 * 60_000,
      intervalMs: 500,
      what: "every run's summary in its thread",
    });
    const threadsCompleteS = (Date.now() - started) / 1000;
    approving = false;
    await approver;
    const botRssMb = bots.map((bot) => rssMb(bot.pid));
    return {
      scenario,
      ...(await tally(slack, backend, client, scenario)),
      botRssMb,
      allRunsFinishedS,
      threadsCompleteS,
      editsPending:
        (await client.zcard("slack:updates:decisions")) +
        (await client.zcard("slack:updates:background")),
    };
  } finally {
    for (const worker of workers) await worker.stop();
    for (const bot of bots) await bot.stop();
    await backend.queues.close();
    client.disconnect();
    await slack.close();
    await redis.dispose();
  }
}

async function tally(
  slack: FakeSlack,
  backend: ReturnType<typeof createApprovalBackend>,
  client: ReturnType<typeof connectRedis>,
  scenario: FleetScenario,
) {
  // Cards as posted (their buttons are gone once decided).
  const cardCalls = slack.webApi
    .callsOf("chat.postMessage")
    .filter((c) => !c.rateLimited && JSON.stringify(c.blocks ?? []).includes("approval.approve"));
  const cardDelaysMs: number[] = [];
  for (const call of cardCalls) {
    const approvalId = approveValueOf(call.blocks)?.split("@")[0];
    const state = approvalId ? await backend.runDesk.getApproval(approvalId) : undefined;
    if (state) cardDelaysMs.push(call.receivedAt - new Date(state.request.requestedAt).getTime());
  }
  const cardTs = new Set(
    [...slack.webApi.messages.values()]
      .filter((m) => cardCalls.includes(slack.webApi.calls[m.postedByCall]!))
      .map((m) => m.ts),
  );
  let lost = 0;
  let duplicated = 0;
  for (const run of await backend.registry.list(scenario.runs * 2)) {
    const executed = (await client.lrange(executedKey(run.request.runId), 0, -1)).map(
      (raw) => (JSON.parse(raw) as { step: number }).step,
    );
    for (let step = 1; step <= fleetScript.length; step += 1) {
      const times = executed.filter((s) => s === step).length;
      if (times === 0) lost += 1;
      if (times > 1) duplicated += times - 1;
    }
  }
  const posted = slack.webApi.callsOf("chat.postMessage").filter((c) => !c.rateLimited);
  const messages = [...slack.webApi.messages.values()];
  const summaries = new Set(summariesIn(slack));
  const roots = messages.filter((m) => !m.threadTs).length;
  const lineMessages = messages.filter(
    (m) => m.threadTs && !cardTs.has(m.ts) && !summaries.has(m),
  ).length;
  const cards = { length: cardTs.size };
  return {
    cardDelaysMs,
    askedSteps: cards.length,
    autoSteps: scenario.runs * fleetScript.filter((a) => a.action === "mouse_move").length,
    lostDecisions: lost,
    duplicatedDecisions: duplicated,
    posts: {
      roots,
      cards: cards.length,
      lineMessages,
      summaries: summaries.size,
      other: posted.length - roots - cards.length - lineMessages - summaries.size,
    },
    uploads: slack.webApi.callsOf("files.completeUploadExternal").filter((c) => !c.rateLimited)
      .length,
    updates: slack.webApi.callsOf("chat.update").filter((c) => !c.rateLimited).length,
    allCalls: slack.webApi.calls.length,
    rateLimited: slack.webApi.rateLimitedCalls().length,
  };
}

function summariesIn(slack: FakeSlack): PostedMessage[] {
  return [...slack.webApi.messages.values()].filter((m) => m.text?.startsWith(":checkered_flag:"));
}

function approveValueOf(blocks: unknown[] | undefined): string | undefined {
  const match = /"action_id":"approval\.approve","value":"([^"]+)"/.exec(
    JSON.stringify(blocks ?? []),
  );
  return match?.[1];
}

export { percentile };
