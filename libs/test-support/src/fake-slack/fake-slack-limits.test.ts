import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { eventCallback } from "./event-callback.ts";
import { FakeSlack, maxSocketConnections } from "./fake-slack.ts";
import { blockAction, slashCommand } from "./slack-payloads.ts";
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
      await slack.send({ type: "events_api", payload: eventCallback({ type: "app_mention" }) });
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
    await slack.send({ type: "events_api", payload: eventCallback({ type: "app_mention" }) }, 100);
    expect(acked).toBe(1);
    expect(received.filter((m) => (m as { envelope_id?: string }).envelope_id)).toHaveLength(2);
    await expect(
      slack.send({ type: "interactive", payload: { type: "block_actions" } }, 100),
    ).rejects.toThrow(/no ack/);
    expect(slack.userErrors).toEqual([{ type: "interactive", error: "operation_timeout" }]);
    socket.close();
  });
});

/** What a tiny app behind a Request URL got, and whether Slack's signature on it held. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}
interface Answer {
  status?: number;
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * An app on loopback that checks each request's signature by the documented recipe
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack) and answers as
 * `answer` says for the n-th request (0-based).
 */
async function startApp(
  signingSecret: string,
  answer: (n: number, request: Received) => Answer = () => ({}),
): Promise<{ url: string; received: Received[]; stop(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(request.headers["x-slack-request-timestamp"]);
      const expected = Buffer.from(
        `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`,
      );
      const given = Buffer.from(String(request.headers["x-slack-signature"]));
      const entry: Received = {
        path: request.url ?? "/",
        headers: request.headers,
        body,
        signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
      };
      const reply = answer(received.length, entry);
      received.push(entry);
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(reply.status ?? 200, reply.headers ?? {});
        response.end(reply.body ?? "");
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("the fake Slack delivering to Request URLs (HTTP mode)", () => {
  let slack: FakeSlack;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    slack = await new FakeSlack({ eventRetryDelaysMs: [0, 20, 20] }).start();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await slack.close();
  });
  const app = async (answer?: (n: number, request: Received) => Answer) => {
    const started = await startApp(slack.signingSecret, answer);
    stops.push(started.stop);
    return started;
  };
  const retryHeaders = (r: Received) => [
    r.headers["x-slack-retry-num"],
    r.headers["x-slack-retry-reason"],
  ];

  it("signs each request and posts commands and clicks form-encoded, events as JSON", async () => {
    const { url, received } = await app((n) =>
      n === 1
        ? {
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ response_action: "errors", errors: { text: "empty" } }),
          }
        : {},
    );
    slack.useRequestUrls([url]);
    const command = slashCommand("start a task");
    const click = blockAction({ actionId: "a", value: "v", userId: "U0BOB", messageTs: "1.2" });
    const event = eventCallback({ type: "app_mention", text: "<@U0BOT> hi" });
    expect(await slack.send({ type: "slash_commands", payload: command })).toBeUndefined();
    expect(await slack.send({ type: "interactive", payload: click })).toEqual({
      response_action: "errors",
      errors: { text: "empty" },
    });
    expect(await slack.send({ type: "events_api", payload: event })).toBeUndefined();
    expect(received.map((r) => r.signatureValid)).toEqual([true, true, true]);
    expect(received.map((r) => r.headers["content-type"])).toEqual([
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded",
      "application/json",
    ]);
    for (const r of received) {
      expect(
        Math.abs(Number(r.headers["x-slack-request-timestamp"]) - Date.now() / 1000),
      ).toBeLessThan(5);
      expect(r.headers["user-agent"]).toMatch(/^Slackbot 1\.0/);
      expect(retryHeaders(r)).toEqual([undefined, undefined]);
    }
    expect(Object.fromEntries(new URLSearchParams(received[0]!.body))).toEqual(command);
    const form = new URLSearchParams(received[1]!.body);
    expect([...form.keys()]).toEqual(["payload"]);
    expect(JSON.parse(form.get("payload")!)).toEqual(click);
    expect(JSON.parse(received[2]!.body)).toEqual(event);
  });

  it("takes turns over several Request URLs, as a round-robin load balancer would", async () => {
    const apps = [await app(), await app()];
    slack.useRequestUrls(apps.map((a) => a.url));
    for (let i = 0; i < 4; i += 1)
      await slack.send({ type: "slash_commands", payload: slashCommand(`run ${i}`) });
    expect(apps.map((a) => a.received.length)).toEqual([2, 2]);
    expect(slack.deliveries.map((d) => d.connection)).toEqual([0, 1, 0, 1]);
  });

  it("sends an event again, numbered and with the reason, when not answered in time or answered with an error", async () => {
    const { url, received } = await app((n) => [{ delayMs: 400 }, { status: 500 }, {}][n] ?? {});
    slack.useRequestUrls([url]);
    const event = eventCallback({ type: "app_mention" });
    await slack.send({ type: "events_api", payload: event }, 150);
    expect(received.map(retryHeaders)).toEqual([
      [undefined, undefined],
      ["1", "http_timeout"],
      ["2", "http_error"],
    ]);
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(received.map((r) => JSON.parse(r.body).event_id)).toEqual([
      event.event_id,
      event.event_id,
      event.event_id,
    ]);
  });

  it("gives up on an event after three retries, and at once when told X-Slack-No-Retry: 1", async () => {
    const failing = await app(() => ({ status: 503 }));
    slack.useRequestUrls([failing.url]);
    const event = { type: "events_api", payload: eventCallback({ type: "app_mention" }) } as const;
    await expect(slack.send(event)).rejects.toThrow(/HTTP 503/);
    expect(failing.received.map(retryHeaders).map(([num]) => num)).toEqual([
      undefined,
      "1",
      "2",
      "3",
    ]);
    const declining = await app(() => ({ status: 500, headers: { "x-slack-no-retry": "1" } }));
    slack.useRequestUrls([declining.url]);
    await expect(slack.send(event)).rejects.toThrow(/HTTP 500/);
    expect(declining.received).toHaveLength(1);
    expect(slack.userErrors).toEqual([]);
  });

  it("retries an event whose connection was refused, as connection_failed", async () => {
    const gone = await app();
    await gone.stop();
    const live = await app();
    slack.useRequestUrls([gone.url, live.url]);
    await slack.send({ type: "events_api", payload: eventCallback({ type: "app_mention" }) });
    expect(live.received.map(retryHeaders)).toEqual([["1", "connection_failed"]]);
    expect(slack.deliveries.map((d) => [d.connection, d.retryReason])).toEqual([
      [0, undefined],
      [1, "connection_failed"],
    ]);
  });

  it("follows two redirects but not three", async () => {
    const { url, received } = await app((_n, request) => {
      const hop = Number(/\/hop(\d)$/.exec(request.path)?.[1] ?? 0);
      const last = request.path.startsWith("/long") ? 3 : 2;
      return hop < last
        ? { status: 307, headers: { location: `${request.path.replace(/\d$/, "")}${hop + 1}` } }
        : {};
    });
    const base = url.replace("/slack/events", "");
    slack.useRequestUrls([`${base}/short/hop0`]);
    const event = () =>
      ({ type: "events_api", payload: eventCallback({ type: "app_mention" }) }) as const;
    await slack.send(event());
    expect(received.map((r) => r.path)).toEqual(["/short/hop0", "/short/hop1", "/short/hop2"]);
    received.length = 0;
    slack.useRequestUrls([`${base}/long/hop0`]);
    await expect(slack.send(event())).rejects.toThrow(/more than 2 redirects/);
    expect(received.filter((r) => r.path === "/long/hop0").map(retryHeaders)).toEqual([
      [undefined, undefined],
      ["1", "too_many_redirects"],
      ["2", "too_many_redirects"],
      ["3", "too_many_redirects"],
    ]);
    expect(received.some((r) => r.path === "/long/hop3")).toBe(false);
  });

  it("does not retry a click or a command: a late answer is operation_timeout, an error dispatch_failed", async () => {
    const slow = await app(() => ({ delayMs: 400 }));
    slack.useRequestUrls([slow.url]);
    const click = blockAction({ actionId: "a", value: "v", userId: "U0BOB", messageTs: "1.2" });
    await expect(slack.send({ type: "interactive", payload: click }, 150)).rejects.toThrow(
      /no answer/,
    );
    expect(slow.received).toHaveLength(1);
    const broken = await app(() => ({ status: 500 }));
    slack.useRequestUrls([broken.url]);
    await expect(
      slack.send({ type: "slash_commands", payload: slashCommand("help") }),
    ).rejects.toThrow(/HTTP 500/);
    expect(broken.received).toHaveLength(1);
    expect(slack.userErrors).toEqual([
      { type: "interactive", error: "operation_timeout" },
      { type: "slash_commands", error: "dispatch_failed" },
    ]);
  });

  it("passes a Request URL that echoes the url_verification challenge and fails one that does not", async () => {
    const echoing = await app((_n, request) => ({
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ challenge: JSON.parse(request.body).challenge }),
    }));
    await slack.verifyRequestUrl(echoing.url);
    expect(echoing.received[0]!.signatureValid).toBe(true);
    expect(JSON.parse(echoing.received[0]!.body)).toMatchObject({ type: "url_verification" });
    const silent = await app();
    await expect(slack.verifyRequestUrl(silent.url)).rejects.toThrow(/did not echo/);
  });

  it("refuses to send an event that is not an event_callback as Slack sends it", async () => {
    const { url, received } = await app();
    slack.useRequestUrls([url]);
    await expect(
      slack.send({ type: "events_api", payload: { event: { type: "app_mention" } } }),
    ).rejects.toThrow(/event_callback|expected/);
    expect(received).toEqual([]);
  });
});
