import { createLogger } from "@deskgate/core";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  FakeSlack,
  formEncoded,
  signedRequest,
  slashCommand,
} from "@deskgate/test-support/fake-slack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackApp, type SlackApp } from "./slack-app.ts";

const signingSecret = "8f14e45fceea167a5a36dedd4bea2543";
const logger = createLogger({ level: "silent" });
let slack: FakeSlack;
let app: SlackApp;
let commands: string[];

beforeEach(async () => {
  slack = await new FakeSlack().start();
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
