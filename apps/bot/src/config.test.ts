import { ConfigError } from "@deskgate/core";
import { describe, expect, it } from "vitest";
import { loadBotConfig } from "./config.ts";

const noFile = "/nonexistent/.env";

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadBotConfig(env, noFile);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

describe("loadBotConfig", () => {
  it("lists every missing setting with what to set", () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining([
        "SLACK_BOT_TOKEN: required (the bot token from OAuth & Permissions, xoxb-…)",
        expect.stringMatching(/^SLACK_CHANNELS: /),
        expect.stringMatching(/^SLACK_APPROVERS: /),
      ]),
    );
  });

  it("requires the app token in Socket Mode and the signing secret in HTTP mode", () => {
    const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_CHANNELS: "C1", SLACK_APPROVERS: "U1" };
    expect(problemsOf({ ...base, SLACK_MODE: "socket" })).toEqual([
      expect.stringMatching(/^SLACK_APP_TOKEN: required in Socket Mode/),
    ]);
    expect(problemsOf({ ...base, SLACK_MODE: "http" })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET: required in HTTP mode/),
    ]);
    expect(
      loadBotConfig({ ...base, SLACK_SIGNING_SECRET: "0123456789abcdef" }, noFile).slackMode,
    ).toBe("http");
  });

  it("names malformed ids and tokens", () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_CHANNELS: "general",
      SLACK_APPROVERS: "bob",
      REQUIRE_SECOND_APPROVER: "yes",
    });
    expect(problems.join("\n")).toMatch(/SLACK_BOT_TOKEN: must be a bot token/);
    expect(problems.join("\n")).toMatch(/SLACK_CHANNELS\.0: channel ids look like/);
    expect(problems.join("\n")).toMatch(/SLACK_APPROVERS\.0: user ids/);
    expect(problems.join("\n")).toMatch(/REQUIRE_SECOND_APPROVER: must be true, false, 1 or 0/);
  });

  it("refuses .env.example copied unchanged, naming each placeholder", () => {
    let problems: readonly string[] = [];
    try {
      loadBotConfig({}, ".env.example");
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: still the placeholder from \.env\.example/),
      expect.stringMatching(/^SLACK_APP_TOKEN: still the placeholder/),
      expect.stringMatching(/^SLACK_CHANNELS\.0: still the placeholder/),
      expect.stringMatching(/^SLACK_APPROVERS\.0: still the placeholder/),
    ]);
  });

  it("parses .env.example with real values filled in, without reading the Anthropic key", () => {
    const config = loadBotConfig(
      {
        SLACK_BOT_TOKEN: "xoxb-1-2-abc",
        SLACK_APP_TOKEN: "xapp-1-A1-2-abc",
        SLACK_CHANNELS: "C0RUNS",
        SLACK_APPROVERS: "U0BOB",
      },
      ".env.example",
    );
    expect(config.slackMode).toBe("socket");
    expect(config.channels).toEqual(["C0RUNS"]);
    expect(config.requireSecondApprover).toBe(false);
    expect(JSON.stringify(config)).not.toContain("sk-ant");
  });

  it("takes Cluster and audit retention settings, and lists Redis problems with the rest", () => {
    const base = {
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_CHANNELS: "C1",
      SLACK_APPROVERS: "U1",
      SLACK_APP_TOKEN: "xapp-1",
    };
    const config = loadBotConfig(
      {
        ...base,
        REDIS_CLUSTER_NODES: "n1:7000,n2:7001",
        AUDIT_RETENTION: "365d",
        AUDIT_SCREENSHOT_RETENTION: "30d",
      },
      noFile,
    );
    expect(config.redis).toMatchObject({
      kind: "cluster",
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
      ],
    });
    expect(config.auditRetention).toEqual({
      trailMs: 365 * 86_400_000,
      screenshotsMs: 30 * 86_400_000,
    });
    expect(problemsOf({ ...base, SLACK_CHANNELS: "nope", REDIS_SENTINEL_MASTER: "m" })).toEqual([
      expect.stringMatching(/^SLACK_CHANNELS\.0: channel ids/),
      expect.stringMatching(/^REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER/),
    ]);
  });
});
