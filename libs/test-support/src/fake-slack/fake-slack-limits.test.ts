import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { FakeSlack, maxSocketConnections } from "./fake-slack.ts";
import { SlackRateLimiter, slackRateLimits } from "./slack-rate-limits.ts";

describe("Slack's rate limits in the fake", () => {
  it("allows a short burst per channel, then about one post a second, each channel apart", () => {
    const limiter = new SlackRateLimiter(slackRateLimits);
    const at = 1_000_000;
    expect([1, 2, 3].map(() => limiter.check("chat.postMessage", "C1", at))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.check("chat.postMessage", "C1", at)).toBe(1);
    expect(limiter.check("chat.postMessage", "C2", at)).toBeUndefined();
    expect(limiter.check("chat.postMessage", "C1", at + 1_000)).toBeUndefined();
    expect(limiter.check("chat.postMessage", "C1", at + 1_000)).toBe(1);
  });

  it("holds chat.update to Tier 3 for the whole workspace", () => {
    const limiter = new SlackRateLimiter(slackRateLimits);
    const answers = Array.from({ length: 51 }, (_, i) =>
      limiter.check("chat.update", `C${i % 4}`, 0),
    );
    expect(answers.slice(0, 50).every((a) => a === undefined)).toBe(true);
    expect(answers[50]).toBe(2);
  });
});

describe("the fake Slack over the wire", () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await new FakeSlack({ eventRetryDelaysMs: [0, 50] }).start();
  });
  afterEach(async () => {
    await slack.close();
  });

  const post = (channel: string) =>
    fetch(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${slack.botToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ channel, text: "hi" }),
    });

  it("answers ratelimited with HTTP 429 and Retry-After past a channel's limit", async () => {
    for (let i = 0; i < 3; i += 1) expect((await post("C1")).status).toBe(200);
    const refused = await post("C1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toEqual({ ok: false, error: "ratelimited" });
    expect(slack.webApi.rateLimitedCalls("chat.postMessage")).toHaveLength(1);
    expect(slack.webApi.messages.size).toBe(3);
  });

  async function connect(): Promise<{ socket: WebSocket; received: unknown[] }> {
    const socket = new WebSocket(
      `${slack.apiUrl.replace(/^http/, "ws").replace(/api\/$/, "")}socket`,
    );
    const received: unknown[] = [];
    socket.on("message", (data) => received.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.on("open", resolve));
    return { socket, received };
  }

  it("takes at most 10 Socket Mode connections and sends each envelope to one of them", async () => {
    const sockets = [];
    for (let i = 0; i < maxSocketConnections + 1; i += 1) sockets.push(await connect());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sockets.at(-1)!.received).toContainEqual({
      type: "disconnect",
      reason: "too_many_websockets",
    });
    expect(slack.connectionCount).toBe(maxSocketConnections);
    for (const { socket, received } of sockets.slice(0, 2)) {
      socket.on("message", () => {
        const last = received.at(-1) as { envelope_id?: string };
        if (last.envelope_id) socket.send(JSON.stringify({ envelope_id: last.envelope_id }));
      });
    }
    for (const { socket } of sockets.slice(2)) socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 4; i += 1)
      await slack.send({ type: "events_api", payload: { event: { type: "app_mention" } } });
    const envelopes = sockets
      .slice(0, 2)
      .map(({ received }) => received.filter((m) => (m as { envelope_id?: string }).envelope_id));
    expect(envelopes.map((e) => e.length)).toEqual([2, 2]);
    for (const { socket } of sockets) socket.close();
  });

  it("sends an unacknowledged event again with retry_attempt; an unacknowledged click is an error the person sees", async () => {
    const { socket, received } = await connect();
    let acked = 0;
    socket.on("message", () => {
      const last = received.at(-1) as { envelope_id?: string; retry_attempt?: number };
      if (last.envelope_id && last.retry_attempt === 1) {
        acked += 1;
        socket.send(JSON.stringify({ envelope_id: last.envelope_id }));
      }
    });
    await slack.send({ type: "events_api", payload: { event: { type: "app_mention" } } }, 100);
    expect(acked).toBe(1);
    expect(received.filter((m) => (m as { envelope_id?: string }).envelope_id)).toHaveLength(2);
    await expect(
      slack.send({ type: "interactive", payload: { type: "block_actions" } }, 100),
    ).rejects.toThrow(/no ack/);
    expect(slack.userErrors).toEqual([{ type: "interactive", error: "operation_timeout" }]);
    socket.close();
  });
});
