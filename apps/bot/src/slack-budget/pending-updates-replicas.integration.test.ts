import { createLogger } from "@deskgate/core";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BudgetedSlack } from "./budgeted-slack.ts";
import { type PendingUpdate, PendingUpdates, type RenderedUpdate } from "./pending-updates.ts";
import { PostingBudget, postingPriority } from "./posting-budget.ts";

const logger = createLogger({ level: "silent" });
let redis: PrivateRedis;
let connections: Redis[];
let slack: FakeSlack;

beforeEach(async () => {
  redis = await startPrivateRedis();
  connections = [connectRedis(redis.url), connectRedis(redis.url), connectRedis(redis.url)];
  // Ordering, not scale: Slack's rate limits would only slow these calls.
  slack = await new FakeSlack({ rateLimits: "off" }).start();
});
afterEach(async () => {
  await slack.close();
  for (const connection of connections) connection.disconnect();
  await redis.dispose();
});

const roomy = { perSecond: 100, burst: 100 };

/**
 * Two bot replicas edit the same card. Each renders the card from the state in Redis and
 * then does more I/O before the edit (renderCard reads the thread, the message ts and the
 * held lines after the state), so a replica can hold a rendering of an older state while
 * the other one edits with a newer one.
 */
describe("a card edited by two bot replicas", () => {
  it("ends showing the card's current state, not an older rendering sent last", async () => {
    const [shared, a, b] = connections as [Redis, Redis, Redis];
    const client = new webApi.WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    const posted = await client.chat.postMessage({ channel: "C0RUNS", text: "version 1" });
    const ts = String(posted.ts);
    await shared.set("card-state", "version 1");

    // Replica A: its rendering after the turn is slow to finish (I/O after reading state).
    let releaseA: () => void = () => {};
    let renderA: (update: PendingUpdate) => Promise<RenderedUpdate | undefined> = async () =>
      undefined;
    const aHolding = new Promise<void>((holding) => {
      let renders = 0;
      renderA = async () => {
        const text = (await a.get("card-state")) ?? "";
        renders += 1;
        if (renders === 2) {
          holding();
          await new Promise<void>((resume) => {
            releaseA = resume;
          });
        }
        return rendered(text);
      };
    });
    const rendered = (text: string): RenderedUpdate => ({
      channel: "C0RUNS",
      ts,
      text,
      blocks: [{ type: "section", text: { type: "plain_text", text } }],
    });
    const renderB = async () => rendered((await b.get("card-state")) ?? "");

    const replicaA = new PendingUpdates(
      a,
      new BudgetedSlack(client, new PostingBudget(a, limitsOf()), logger),
      (update) => renderA(update),
      logger,
    );
    const replicaB = new PendingUpdates(
      b,
      new BudgetedSlack(client, new PostingBudget(b, limitsOf()), logger),
      renderB,
      logger,
    );
    const card: PendingUpdate = { kind: "card", approvalId: "apr_run_race0001_3" };

    // The card changes to version 2; replica A takes the mark and renders it.
    await shared.set("card-state", "version 2");
    await replicaA.mark(card, postingPriority.thread);
    const aEdit = replicaA.flushOne();
    await aHolding;
    // Meanwhile a second change (an edit to version 3) marks the card again; replica B edits.
    await shared.set("card-state", "version 3");
    await replicaB.mark(card, postingPriority.thread);
    // B finds A editing the card: it leaves the mark to be tried again, and edits nothing.
    expect(await replicaB.flushOne()).toBe(true);
    expect(slack.webApi.messages.get(ts)?.text).toBe("version 1");
    // Replica A finishes its edit with what it rendered before.
    releaseA();
    await aEdit;
    // Every replica drains every mark that is left, as their loops do (polling).
    const quietUntil = Date.now() + 2_000;
    while (Date.now() < quietUntil) {
      if (!((await replicaA.flushOne()) || (await replicaB.flushOne())))
        await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(await shared.get("card-state")).toBe("version 3");
    // The card in Slack must read as the state does now.
    expect(slack.webApi.messages.get(ts)?.text).toBe("version 3");
  });
});

function limitsOf() {
  return { postPerChannel: roomy, postPerWorkspace: roomy, updates: roomy, files: roomy };
}
