import { ConfigError } from "@deskgate/core";
import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "./config.ts";

const noFile = "/nonexistent/.env";

describe("loadWorkerConfig", () => {
  it("lists every missing setting at once", () => {
    let error: unknown;
    try {
      loadWorkerConfig({}, noFile);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toMatch(/ANTHROPIC_API_KEY: required \(the Anthropic API key/);
    expect(text).toMatch(/DISPLAY: required/);
  });

  it("names invalid values", () => {
    const env = {
      ANTHROPIC_API_KEY: "k",
      DISPLAY: "nine",
      WORKER_NAME: "Bad Name",
      MAX_STEPS: "-1",
    };
    expect(() => loadWorkerConfig(env, noFile)).toThrow(ConfigError);
    const problems = (() => {
      try {
        loadWorkerConfig(env, noFile);
        return [];
      } catch (err) {
        return [...(err as ConfigError).problems];
      }
    })();
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/DISPLAY: must look like ":0"/);
    expect(problems.join("\n")).toMatch(/WORKER_NAME: lower-case letters/);
    expect(problems.join("\n")).toMatch(/MAX_STEPS: /);
  });

  it("refuses .env.example copied unchanged, naming the placeholder key", () => {
    expect(() => loadWorkerConfig({}, ".env.example")).toThrow(
      /ANTHROPIC_API_KEY: still the placeholder from \.env\.example; set your own/,
    );
  });

  it("parses .env.example with the key filled in into a complete config", () => {
    const config = loadWorkerConfig({ ANTHROPIC_API_KEY: "sk-ant-api03-real" }, ".env.example");
    expect(config.display).toBe(":99");
    expect(config.workerName).toBe("desktop-1");
    expect(config.approvalTimeoutMs).toBe(30 * 60_000);
    expect(config.limits).toEqual({
      maxSteps: 100,
      maxWallMs: 4 * 3_600_000,
      maxTokens: 2_000_000,
      keepScreenshots: 3,
    });
    expect(config.anthropicBaseUrl).toBeUndefined();
  });

  it("takes Sentinel settings, and lists their problems with every other", () => {
    const base = { ANTHROPIC_API_KEY: "k", DISPLAY: ":1" };
    const config = loadWorkerConfig(
      { ...base, REDIS_SENTINELS: "s1:26379,s2:26379", REDIS_SENTINEL_MASTER: "mymaster" },
      noFile,
    );
    expect(config.redis).toMatchObject({ kind: "sentinel", masterName: "mymaster" });
    let problems: readonly string[] = [];
    try {
      loadWorkerConfig(
        { DISPLAY: ":1", REDIS_SENTINELS: "s1:26379", REDIS_URL: "redis://r" },
        noFile,
      );
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.join("\n")).toMatch(/ANTHROPIC_API_KEY: required/);
    expect(problems.join("\n")).toMatch(/REDIS_URL, REDIS_SENTINELS: set one of them/);
    expect(problems.join("\n")).toMatch(/REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/);
  });
});
