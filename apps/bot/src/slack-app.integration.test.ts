import { createServer } from "node:http";
import { createLogger } from "@deskgate/core";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  eventCallback,
  FakeSlack,
  formEncoded,
  signedRequest,
  slashCommand,
  viewSubmission,
} from "@deskgate/test-support/fake-slack";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp, type SlackApp } from "./slack-app.ts";

const signingSecret = "8f14e45fceea167a5a36dedd4bea2543";
const logger = createLogger({ level: "silent" });
let slack: FakeSlack;
let app: SlackApp;
let commands: string[];

beforeEach(async () => {
  slack = await new FakeSlack({ signingSecret, eventRetryDelaysMs: [0, 20, 20] }).start();
  app = createSlackApp(
    {
      slackMode: "http",
      slackBotToken: slack.botToken,
      slackAppToken: undefined,
      slackSigningSecret: signingSecret,
      slackApiUrl: slack.apiUrl,
      httpPort: 0,
    },
    logger,
  );
  commands = [];
  app.app.command("/agent", async ({ ack, command, client }) => {
    await ack();
    commands.push(command.text);
    await client.chat.postMessage({ channel: command.channel_id, text: `got ${command.text}` });
  });
  await app.start();
});
afterEach(async () => {
  await app.stop();
  await slack.close();
});

async function post(options: { timestampOffsetSeconds?: number; forge?: boolean } = {}) {
  const body = formEncoded(slashCommand("help") as unknown as Record<string, string>);
  const signed = signedRequest(body, signingSecret, options);
  return fetch(`http://127.0.0.1:${app.port()}/slack/events`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
}

describe("HTTP mode", () => {
  it("accepts a correctly signed request", async () => {
    const response = await post();
    expect(response.status).toBe(200);
    expect(commands).toEqual(["help"]);
    await waitFor(() => slack.webApi.callsOf("chat.postMessage").length === 1, {
      what: "the reply",
    });
  });

  it.each([
    ["a forged signature", { forge: true }],
    ["a timestamp six minutes old", { timestampOffsetSeconds: -360 }],
    ["a timestamp six minutes in the future", { timestampOffsetSeconds: 360 }],
  ])("rejects %s and changes nothing", async (_name, options) => {
    const response = await post(options);
    expect(response.status).toBe(401);
    expect(commands).toEqual([]);
    expect(slack.webApi.callsOf("chat.postMessage")).toEqual([]);
  });

  it("rejects a replay of an old signed request", async () => {
    const body = formEncoded(slashCommand("list") as unknown as Record<string, string>);
    const old = signedRequest(body, signingSecret, { timestampOffsetSeconds: -301 });
    const response = await fetch(`http://127.0.0.1:${app.port()}/slack/events`, {
      method: "POST",
      headers: old.headers,
      body: old.body,
    });
    expect(response.status).toBe(401);
    expect(commands).toEqual([]);
  });
});

/** A Request URL nobody listens on (a replica that is down). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
}

const mention = () =>
  eventCallback({
    type: "app_mention",
    user: "U0ALICE",
    text: "<@U0BOT> hello",
    ts: "1700000000.000100",
    channel: "C0RUNS",
    event_ts: "1700000000.000100",
  });

describe("HTTP mode, with the fake Slack posting to the Request URL", () => {
  const requestUrl = () => `http://127.0.0.1:${app.port()}/slack/events`;

  it("takes a slash command and answers a form's errors as the response payload", async () => {
    app.app.view("test.form", async ({ ack }) => {
      await ack({ response_action: "errors", errors: { text: "say more" } });
    });
    slack.useRequestUrls([requestUrl()]);
    expect(
      await slack.send({ type: "slash_commands", payload: slashCommand("list") }),
    ).toBeUndefined();
    expect(commands).toEqual(["list"]);
    const answer = await slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "test.form",
        userId: "U0BOB",
        privateMetadata: "",
        values: { text: { value: "" } },
      }),
    });
    expect(answer).toEqual({ response_action: "errors", errors: { text: "say more" } });
    expect(slack.userErrors).toEqual([]);
  });

  it("passes Slack's url_verification handshake", async () => {
    await slack.verifyRequestUrl(requestUrl());
  });

  it("shows a listener an event Slack retried (context.retryNum, retryReason)", async () => {
    const seen: Array<[number | undefined, string | undefined]> = [];
    app.app.event("app_mention", async ({ context }) => {
      seen.push([context.retryNum, context.retryReason]);
    });
    slack.useRequestUrls([await closedPortUrl(), requestUrl()]);
    await slack.send({ type: "events_api", payload: mention() });
    expect(seen).toEqual([[1, "connection_failed"]]);
  });

  it("sends an event again to a Bolt app that answers only after a slow listener", async () => {
    // processBeforeResponse holds the HTTP answer until the listeners finish (what an app on
    // a FaaS must do), so a slow listener misses Slack's 3 s and the event comes again.
    const receiver = new HTTPReceiver({ signingSecret, processBeforeResponse: true });
    const slow = new App({
      token: slack.botToken,
      receiver,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logLevel: LogLevel.ERROR,
      deferInitialization: true,
    });
    await slow.init();
    const seen: Array<[number | undefined, string | undefined]> = [];
    slow.event("app_mention", async ({ context }) => {
      seen.push([context.retryNum, context.retryReason]);
      if (seen.length === 1) await new Promise((resolve) => setTimeout(resolve, 400));
    });
    const server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      slack.useRequestUrls([`http://127.0.0.1:${port}/slack/events`]);
      await slack.send({ type: "events_api", payload: mention() }, 200);
      expect(seen).toEqual([
        [undefined, undefined],
        [1, "http_timeout"],
      ]);
      expect(slack.deliveries.map((d) => d.retryReason)).toEqual([undefined, "http_timeout"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("the Web API client", () => {
  it("waits out a rate limit (429 + Retry-After) and posts once", async () => {
    slack.webApi.failNext("chat.postMessage", "ratelimited", 1, 1);
    const started = Date.now();
    await app.app.client.chat.postMessage({ channel: "C1", text: "hello" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.webApi.callsOf("chat.postMessage")).toHaveLength(2);
    expect([...slack.webApi.messages.values()].filter((m) => m.text === "hello")).toHaveLength(1);
  });
});
