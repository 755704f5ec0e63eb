import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifySlackFailure } from "./slack-errors.ts";

let slack: FakeSlack;
let client: webApi.WebClient;
beforeAll(async () => {
  // Error classification, not scale: Slack's rate limits would only slow these calls.
  slack = await new FakeSlack({ rateLimits: "off" }).start();
  client = new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
  });
});
afterAll(() => slack.close());

/** The error the real Web API client throws when the fake Slack answers with `error`. */
async function failureOf(error: string) {
  slack.webApi.failNext("chat.postMessage", error);
  try {
    await client.chat.postMessage({ channel: "C0RUNS", text: "x" });
  } catch (err) {
    return classifySlackFailure(err);
  }
  throw new Error("the call did not fail");
}

describe("classifySlackFailure", () => {
  it("calls errors about the app, token or channel permanent, with what to fix", async () => {
    expect(await failureOf("not_in_channel")).toEqual({
      code: "not_in_channel",
      permanent: true,
      description: "Slack said not_in_channel: invite the bot to the channel (`/invite @deskgate`)",
    });
    expect(await failureOf("missing_scope")).toMatchObject({ permanent: true });
    expect((await failureOf("invalid_auth")).description).toContain("SLACK_BOT_TOKEN");
  });

  it("lets other platform errors and transport errors be retried", async () => {
    expect(await failureOf("internal_error")).toEqual({
      code: "internal_error",
      permanent: false,
      description: "Slack said internal_error",
    });
    const unreachable = new webApi.WebClient("xoxb-1", {
      slackApiUrl: "http://127.0.0.1:1/api/",
      retryConfig: { retries: 0 },
    });
    const failure = await unreachable.auth.test().then(
      () => undefined,
      (err) => classifySlackFailure(err),
    );
    expect(failure).toMatchObject({ code: "slack_webapi_request_error", permanent: false });
    expect(classifySlackFailure("odd")).toEqual({
      code: "error",
      permanent: false,
      description: "odd",
    });
  });
});
