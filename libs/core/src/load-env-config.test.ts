import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "./config-error.ts";
import { envBoolean, envDuration, envList, readEnvironment } from "./env.ts";
import { loadEnvConfig } from "./load-env-config.ts";

const schema = z
  .object({
    TOKEN: z.string().startsWith("xoxb-"),
    TIMEOUT: envDuration.default(1_800_000),
    STRICT: envBoolean.default(false),
    CHANNELS: envList.default([]),
  })
  .transform((env) => ({
    token: env.TOKEN,
    timeoutMs: env.TIMEOUT,
    strict: env.STRICT,
    channels: env.CHANNELS,
  }));

describe("loadEnvConfig", () => {
  it("reports every problem at once, each with its hint", () => {
    let error: unknown;
    try {
      loadEnvConfig(
        "bot",
        schema,
        { TIMEOUT: "soon", STRICT: "yes" },
        { TOKEN: "the bot token, xoxb-…" },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe("TOKEN: required (the bot token, xoxb-…)");
    expect(problems.join("\n")).toMatch(/TIMEOUT: must be a duration/);
    expect(problems.join("\n")).toMatch(/STRICT: must be true, false, 1 or 0/);
  });

  it("returns a frozen camelCase object with defaults applied", () => {
    const config = loadEnvConfig(
      "bot",
      schema,
      { TOKEN: "xoxb-1", TIMEOUT: "90s", STRICT: "0", CHANNELS: "C1, ,C2" },
      {},
    );
    expect(config).toEqual({
      token: "xoxb-1",
      timeoutMs: 90_000,
      strict: false,
      channels: ["C1", "C2"],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("never reads 'false' as true", () => {
    expect(envBoolean.parse("false")).toBe(false);
    expect(envBoolean.parse("1")).toBe(true);
  });

  it("parses durations in every unit", () => {
    expect(
      ["1500ms", "2s", "30m", "1h", "250", "1.5h", "30d"].map((d) => envDuration.parse(d)),
    ).toEqual([1500, 2000, 1_800_000, 3_600_000, 250, 5_400_000, 30 * 86_400_000]);
  });

  it("refuses what is not a duration, and negative ones", () => {
    for (const value of ["soon", "", "-5s", "10 parsecs"])
      expect(envDuration.safeParse(value).error?.issues[0]?.message).toMatch(/must be a duration/);
  });

  it("lets real environment variables win over .env and treats empty as unset", () => {
    const env = readEnvironment({ A: "from-env", C: "" }, "/nonexistent/.env");
    expect(env).toEqual({ A: "from-env" });
  });
});
