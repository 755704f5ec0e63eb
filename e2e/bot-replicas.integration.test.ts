import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand } from "@deskgate/test-support/fake-slack";
import { describe, expect, it } from "vitest";
import { botProcess } from "./app-processes.ts";
import { textOf } from "./bot-harness.ts";
import { stopInOrder } from "./support/stop-in-order.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

/**
 * Two real bot processes on one Redis and one (strict) fake Slack: in Socket Mode each
 * envelope goes to one of their connections, in HTTP mode the fake Slack posts each signed
 * request to either bot's Request URL in turn (a round-robin load balancer). Every card is
 * posted once, and every click is handled by whichever bot gets it.
 */
const click: ComputerAction = { action: "left_click", coordinate: [40, 50] };
const runs = 4;

const each = useSlackGate();

/** Starts both bots; in HTTP mode points the fake Slack's Request URLs at them. */
async function startBots(mode: "socket" | "http"): Promise<string[]> {
  const bots = [1, 2].map((n) =>
    botProcess({
      redisUrl: each.redis.url,
      slack: each.slack,
      label: `bot-${n}`,
      env: {
        SLACK_APPROVERS: "U0BOB",
        ...(mode === "http"
          ? { SLACK_MODE: "http", SLACK_SIGNING_SECRET: each.slack.signingSecret, HTTP_PORT: "0" }
          : {}),
      },
    }).start(),
  );
  each.stopBotWith(() => stopInOrder(bots.map((bot) => () => bot.stop())));
  const requestUrls: string[] = [];
  for (const bot of bots) {
    const ready = await bot.waitForLine(/bot ready/, 60_000);
    const { httpPort } = JSON.parse(ready) as { httpPort?: number };
    if (httpPort) requestUrls.push(`http://127.0.0.1:${httpPort}/slack/events`);
  }
  if (mode === "socket")
    await waitFor(() => each.slack.connectionCount === 2, { what: "both bots connected" });
  else {
    // Slack checks a Request URL (url_verification) when it is saved in the app's settings.
    for (const url of requestUrls) await each.slack.verifyRequestUrl(url);
    each.slack.useRequestUrls(requestUrls);
  }
  return requestUrls;
}

describe("two bot replicas", () => {
  it.each(["socket", "http"] as const)(
    "post each card once and take any click on any card (%s mode)",
    async (mode) => {
      await startBots(mode);
      for (let i = 0; i < runs; i += 1) {
        await each.harness.startDesktop({ desktop: `replica-${i}`, actions: [click] });
        await each.slack.send({
          type: "slash_commands",
          payload: slashCommand(`start replica run ${i} --desktop replica-${i}`, {
            userId: "U0ALICE",
          }),
        });
      }
      const approvals = await waitFor(
        async () => {
          const all = await each.harness.backend.runDesk.listRuns({ limit: 100 });
          const waiting = all.filter((r) => r.status === "waiting" && r.pendingApprovalId);
          return waiting.length === runs ? waiting.map((r) => r.pendingApprovalId!) : undefined;
        },
        { timeoutMs: 30_000, what: "every run waiting" },
      );
      const cardsFor = (approvalId: string) =>
        each.slack.webApi
          .callsOf("chat.postMessage")
          .filter(
            (c) => !c.rateLimited && JSON.stringify(c.blocks ?? []).includes(`${approvalId}@`),
          );
      await waitFor(() => approvals.every((id) => cardsFor(id).length > 0), {
        timeoutMs: 30_000,
        what: "every card",
      });
      for (const approvalId of approvals) {
        const card = [...each.slack.webApi.messages.values()].find((m) =>
          textOf(m).includes(`${approvalId}@`),
        )!;
        await each.slack.send({
          type: "interactive",
          payload: blockAction({
            actionId: "approval.approve",
            value: `${approvalId}@1`,
            userId: "U0BOB",
            messageTs: card.ts,
          }),
        });
      }
      await waitFor(
        async () =>
          (await each.harness.backend.runDesk.listRuns({ limit: 100 })).filter(
            (r) => r.status === "finished",
          ).length === runs,
        { timeoutMs: 30_000, what: "every run finished" },
      );
      for (const approvalId of approvals) expect(cardsFor(approvalId)).toHaveLength(1);
      for (const run of await each.harness.backend.runDesk.listRuns({ limit: 100 }))
        expect((await each.harness.executed(run.request.runId)).map((e) => e.step)).toEqual([1]);
      const targets = new Set(each.slack.deliveries.map((d) => d.connection));
      expect(targets, "both bots got deliveries").toEqual(new Set([0, 1]));
      expect(each.slack.userErrors).toEqual([]);
      if (mode === "http") {
        const deliveredBodies = each.slack.sentRequests.filter(
          (r) => r.headers["content-type"] === "application/x-www-form-urlencoded",
        );
        expect(deliveredBodies).toHaveLength(2 * runs);
        expect(each.slack.connectionCount, "no Socket Mode in HTTP mode").toBe(0);
      }
      const roots = [...each.slack.webApi.messages.values()].filter((m) => !m.threadTs);
      expect(roots).toHaveLength(runs);
    },
    120_000,
  );

  it("start one run for a signed slash command replayed to the other replica (HTTP mode)", async () => {
    const requestUrls = await startBots("http");
    await each.harness.startDesktop({ desktop: "replica-once", actions: [click] });
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("start only once --desktop replica-once", { userId: "U0ALICE" }),
    });
    // An attacker who captured Slack's signed request sends the very same bytes again,
    // within the five minutes the signature is good for, to each replica.
    const captured = each.slack.sentRequests.at(-1)!;
    for (const url of [requestUrls[1]!, requestUrls[0]!, requestUrls[1]!]) {
      const response = await fetch(url, {
        method: "POST",
        headers: captured.headers,
        body: captured.body,
      });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => (await each.harness.backend.runDesk.listRuns()).length === 1, {
      what: "the run",
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await each.harness.backend.runDesk.listRuns()).toHaveLength(1);
    expect([...each.slack.webApi.messages.values()].filter((m) => !m.threadTs)).toHaveLength(1);
  }, 60_000);
});
