import { freePort, type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { waitFor } from "@deskgate/test-support/app-process";
import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botProcess } from "./app-processes.ts";

let redis: PrivateRedis;
let slack: FakeSlack;
beforeAll(async () => {
  redis = await startPrivateRedis({ appendOnly: false });
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack?.close();
  await redis?.dispose();
});

/** Starts the real bot, waits for it to give up, and returns what it printed. */
async function failedStart(env: NodeJS.ProcessEnv) {
  const started = Date.now();
  const bot = botProcess({ redisUrl: redis.url, slack, logLevel: "warn", env }).start();
  const exited = await waitFor(() => bot.exited, { timeoutMs: 20_000, what: "the bot to exit" });
  return { exited, lines: bot.lines, seconds: (Date.now() - started) / 1000 };
}

describe("the bot when Slack cannot be used at start-up", () => {
  it("says in one line that Slack is unreachable when nothing answers at SLACK_API_URL", async () => {
    const apiUrl = `http://127.0.0.1:${await freePort()}/api/`;
    const { exited, lines, seconds } = await failedStart({ SLACK_API_URL: apiUrl });
    expect(exited.code).toBe(1);
    expect(lines).toEqual([
      `cannot start: Slack is unreachable at ${apiUrl} (ECONNREFUSED): check this machine's network, DNS and proxy, and SLACK_API_URL [slack_unreachable]`,
    ]);
    expect(seconds).toBeLessThan(10);
  });

  it("says the bot token was revoked", async () => {
    const revoked = "xoxb-revoked-token-000000000";
    slack.webApi.revokeToken(revoked);
    const { exited, lines } = await failedStart({ SLACK_BOT_TOKEN: revoked });
    expect(exited.code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^cannot start: Slack refused SLACK_BOT_TOKEN \(token_revoked\): the token was revoked; reinstall the app .* \[slack_token_refused\]$/,
      ),
    ]);
  });

  it("says the bot token is not valid, and names the app token when that one is refused", async () => {
    const badBot = await failedStart({ SLACK_BOT_TOKEN: "xoxb-not-the-right-one-0000" });
    expect(badBot.lines).toEqual([
      expect.stringMatching(/^cannot start: Slack refused SLACK_BOT_TOKEN \(invalid_auth\): /),
    ]);
    const badApp = await failedStart({ SLACK_APP_TOKEN: "xapp-not-the-right-one-0000" });
    expect(badApp.exited.code).toBe(1);
    // The sentence goes to stderr and log lines to stdout: their order between the two
    // streams is not kept, so it is looked for among the lines.
    expect(
      badApp.lines.filter((line) =>
        /^cannot start: Slack refused SLACK_APP_TOKEN \(invalid_auth\): .*connections:write/.test(
          line,
        ),
      ),
    ).toHaveLength(1);
    expect(badApp.lines.join("\n")).not.toMatch(/\n\s+at /);
  });
});
