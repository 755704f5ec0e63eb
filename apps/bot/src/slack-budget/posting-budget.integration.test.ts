import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PostingBudget, type PostingLimits, postingPriority } from "./posting-budget.ts";

let redis: PrivateRedis;
let connections: Redis[];

beforeEach(async () => {
  redis = await startPrivateRedis();
  connections = [connectRedis(redis.url), connectRedis(redis.url)];
});
afterEach(async () => {
  for (const connection of connections) connection.disconnect();
  await redis.dispose();
});

const limits = (perSecond: number, burst: number): PostingLimits => ({
  postPerChannel: { perSecond, burst },
  postPerWorkspace: { perSecond: 100, burst: 100 },
  updates: { perSecond, burst },
  files: { perSecond, burst },
});

describe("the posting budget", () => {
  it("lets a channel's burst through at once, then one call per refill, across replicas", async () => {
    const replicas = connections.map((c) => new PostingBudget(c, limits(10, 2)));
    const started = Date.now();
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        replicas[i % 2]!.take({ kind: "post", channel: "C1" }, postingPriority.thread).then(() =>
          granted.push(Date.now() - started),
        ),
      ),
    );
    granted.sort((a, b) => a - b);
    // 2 at once, then 4 more at 10 a second: the last no sooner than ~400 ms.
    expect(granted[1]!).toBeLessThan(150);
    expect(granted[5]!).toBeGreaterThanOrEqual(350);
    // Another channel has its own bucket.
    const other = Date.now();
    await replicas[0]!.take({ kind: "post", channel: "C2" }, postingPriority.thread);
    expect(Date.now() - other).toBeLessThan(100);
  });

  it("gives a waiting card the next turn before thread posts that were waiting first", async () => {
    const budget = new PostingBudget(connections[0]!, limits(5, 1));
    await budget.take({ kind: "post", channel: "C1" }, postingPriority.thread);
    const order: string[] = [];
    const lines = Array.from({ length: 3 }, (_, i) =>
      budget
        .take({ kind: "post", channel: "C1" }, postingPriority.thread)
        .then(() => order.push(`line ${i}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const card = budget
      .take({ kind: "post", channel: "C1" }, postingPriority.card)
      .then(() => order.push("card"));
    await Promise.all([...lines, card]);
    expect(order[0]).toBe("card");
  });

  it("holds every replica back for Slack's Retry-After", async () => {
    const [a, b] = connections.map((c) => new PostingBudget(c, limits(100, 10)));
    await a!.pause({ kind: "update" }, 1);
    const started = Date.now();
    await b!.take({ kind: "update" }, postingPriority.update);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
