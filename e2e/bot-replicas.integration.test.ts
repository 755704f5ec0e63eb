import type { ComputerAction } from "@deskgate/contracts";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { type AppProcess, waitFor } from "@deskgate/test-support/app-process";
import {
  blockAction,
  FakeSlack,
  formEncoded,
  signedRequest,
  slashCommand,
} from "@deskgate/test-support/fake-slack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GateHarness } from "../apps/worker/src/testing/gate-harness.ts";
import { botProcess } from "./app-processes.ts";
import { textOf } from "./bot-harness.ts";

/**
 * Two real bot processes on one Redis and one (strict) fake Slack: in Socket Mode each
 * envelope goes to one of their connections, in HTTP mode a load balancer sends each
 * request to either. Every card is posted once, and every click is handled by whichever
 * bot gets it.
 */
const signingSecret = "5f4dcc3b5aa765d61d8327deb882cf99";
const click: ComputerAction = { action: "left_click", coordinate: [40, 50] };
const runs = 4;

let redis: PrivateRedis;
let harness: GateHarness;
let slack: FakeSlack;
let bots: AppProcess[];

beforeEach(async () => {
  redis = await startPrivateRedis();
  harness = new GateHarness(redis.url);
  slack = await new FakeSlack().start();
  bots = [];
});
afterEach(async () => {
  for (const bot of bots) await bot.stop();
  await harness.close();
  await slack.close();
  await redis.dispose();
});

async function startBots(mode: "socket" | "http"): Promise<Array<number | undefined>> {
  bots = [1, 2].map((n) =>
    botProcess({
      redisUrl: redis.url,
      slack,
      label: `bot-${n}`,
      env: {
        SLACK_APPROVERS: "U0BOB",
        ...(mode === "http"
          ? { SLACK_MODE: "http", SLACK_SIGNING_SECRET: signingSecret, HTTP_PORT: "0" }
          : {}),
      },
    }).start(),
  );
  const ports: Array<number | undefined> = [];
  for (const bot of bots) {
    const ready = await bot.waitForLine(/bot ready/, 60_000);
    ports.push((JSON.parse(ready) as { httpPort?: number }).httpPort);
  }
  if (mode === "socket")
    await waitFor(() => slack.connectionCount === 2, { what: "both bots connected" });
  return ports;
}

describe("two bot replicas", () => {
  it.each(["socket", "http"] as const)(
    "post each card once and take any click on any card (%s mode)",
    async (mode) => {
      const ports = await startBots(mode);
      let turn = 0;
      /** Slack (Socket Mode) or a round-robin load balancer (HTTP) delivering to a bot. */
      const deliver = async (type: "slash_commands" | "interactive", payload: object) => {
        if (mode === "socket") return slack.send({ type, payload: payload as never });
        const port = ports[turn++ % ports.length];
        const body =
          type === "slash_commands"
            ? formEncoded(payload as Record<string, string>)
            : formEncoded({ payload: JSON.stringify(payload) });
        const signed = signedRequest(body, signingSecret);
        const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
          method: "POST",
          headers: signed.headers,
          body: signed.body,
        });
        expect(response.status).toBe(200);
      };
      for (let i = 0; i < runs; i += 1) {
        await harness.startDesktop({ desktop: `replica-${i}`, actions: [click] });
        await deliver(
          "slash_commands",
          slashCommand(`start replica run ${i} --desktop replica-${i}`, { userId: "U0ALICE" }),
        );
      }
      const approvals = await waitFor(
        async () => {
          const all = await harness.backend.runDesk.listRuns({ limit: 100 });
          const waiting = all.filter((r) => r.status === "waiting" && r.pendingApprovalId);
          return waiting.length === runs ? waiting.map((r) => r.pendingApprovalId!) : undefined;
        },
        { timeoutMs: 30_000, what: "every run waiting" },
      );
      const cardsFor = (approvalId: string) =>
        slack.webApi
          .callsOf("chat.postMessage")
          .filter(
            (c) => !c.rateLimited && JSON.stringify(c.blocks ?? []).includes(`${approvalId}@`),
          );
      await waitFor(() => approvals.every((id) => cardsFor(id).length > 0), {
        timeoutMs: 30_000,
        what: "every card",
      });
      for (const approvalId of approvals) {
        const card = [...slack.webApi.messages.values()].find((m) =>
          textOf(m).includes(`${approvalId}@`),
        )!;
        await deliver(
          "interactive",
          blockAction({
            actionId: "approval.approve",
            value: `${approvalId}@1`,
            userId: "U0BOB",
            messageTs: card.ts,
          }),
        );
      }
      await waitFor(
        async () =>
          (await harness.backend.runDesk.listRuns({ limit: 100 })).filter(
            (r) => r.status === "finished",
          ).length === runs,
        { timeoutMs: 30_000, what: "every run finished" },
      );
      for (const approvalId of approvals) expect(cardsFor(approvalId)).toHaveLength(1);
      for (const run of await harness.backend.runDesk.listRuns({ limit: 100 }))
        expect((await harness.executed(run.request.runId)).map((e) => e.step)).toEqual([1]);
      if (mode === "socket") {
        const connections = new Set(slack.deliveries.map((d) => d.connection));
        expect(connections.size, "both bots got envelopes").toBe(2);
      }
      const roots = [...slack.webApi.messages.values()].filter((m) => !m.threadTs);
      expect(roots).toHaveLength(runs);
    },
    120_000,
  );

  it("start one run for a signed slash command replayed to the other replica (HTTP mode)", async () => {
    const ports = await startBots("http");
    await harness.startDesktop({ desktop: "replica-once", actions: [click] });
    const body = formEncoded(
      slashCommand("start only once --desktop replica-once", { userId: "U0ALICE" }) as never,
    );
    const signed = signedRequest(body, signingSecret);
    for (const port of [ports[0], ports[1], ports[0]]) {
      const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: "POST",
        headers: signed.headers,
        body: signed.body,
      });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => (await harness.backend.runDesk.listRuns()).length === 1, {
      what: "the run",
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await harness.backend.runDesk.listRuns()).toHaveLength(1);
    expect([...slack.webApi.messages.values()].filter((m) => !m.threadTs)).toHaveLength(1);
  }, 60_000);
});
