import { describe, expect, it } from "vitest";
import { startedReply } from "../listeners/commands/start-run.ts";
import { chooseRunChannel, type RunChannelInput } from "./choose-run-channel.ts";
import { desktopRouteSchema } from "./desktop-channels.ts";

const base: RunChannelInput = {
  desktop: "qa-7",
  policyRoutes: [],
  configuredRoutes: [{ pattern: "qa-*", channel: "C0ENVQA" }],
  startChannels: ["C0RUNS", "C0POLICY"],
  commandChannel: "C0RUNS",
};

describe("chooseRunChannel", () => {
  it("follows the desktop's policy first, ahead of SLACK_DESKTOP_CHANNELS", () => {
    expect(
      chooseRunChannel({ ...base, policyRoutes: [{ pattern: "qa-7", channel: "C0POLICY" }] }),
    ).toEqual({ channel: "C0POLICY", from: "policy" });
  });

  it("follows a policy into a channel served only as a SLACK_DESKTOP_CHANNELS target", () => {
    expect(
      chooseRunChannel({
        ...base,
        configuredRoutes: [
          { pattern: "build-*", channel: "C0BUILD" },
          { pattern: "qa-*", channel: "C0ENVQA" },
        ],
        policyRoutes: [{ pattern: "qa-*", channel: "C0BUILD" }],
      }),
    ).toEqual({ channel: "C0BUILD", from: "policy" });
  });

  it("uses SLACK_DESKTOP_CHANNELS when the policy names no channel for the desktop", () => {
    expect(
      chooseRunChannel({ ...base, policyRoutes: [{ pattern: "build-*", channel: "C0POLICY" }] }),
    ).toEqual({ channel: "C0ENVQA", from: "configuration" });
  });

  it("stays in the command's channel when nothing routes the desktop", () => {
    expect(chooseRunChannel({ ...base, desktop: "desk-1" })).toEqual({
      channel: "C0RUNS",
      from: "command",
    });
  });

  it("routes nothing when no desktop is named (any free desktop takes the run later)", () => {
    expect(
      chooseRunChannel({
        ...base,
        desktop: undefined,
        policyRoutes: [{ pattern: "qa-*", channel: "C0POLICY" }],
      }),
    ).toEqual({ channel: "C0RUNS", from: "command" });
  });

  it("refuses a policy's channel the bot does not serve, falling back to the configured route", () => {
    expect(
      chooseRunChannel({ ...base, policyRoutes: [{ pattern: "qa-*", channel: "C0ELSEWHERE" }] }),
    ).toEqual({ channel: "C0ENVQA", from: "configuration", refused: "C0ELSEWHERE" });
  });

  it("refuses a policy's unserved channel and falls back to the command's channel", () => {
    expect(
      chooseRunChannel({
        ...base,
        configuredRoutes: [],
        policyRoutes: [{ pattern: "qa-7", channel: "C0ELSEWHERE" }],
      }),
    ).toEqual({ channel: "C0RUNS", from: "command", refused: "C0ELSEWHERE" });
  });
});

describe("startedReply", () => {
  it("says nothing more when the approvals are where the command was typed", () => {
    expect(startedReply("run_1", "qa-7", { channel: "C0RUNS", from: "command" }, "C0RUNS")).toBe(
      undefined,
    );
  });

  it("says where the approvals are and that the policy chose it", () => {
    expect(startedReply("run_1", "qa-7", { channel: "C0QA", from: "policy" }, "C0RUNS")).toBe(
      "Started `run_1`; its approvals are in <#C0QA>, as the policy of `qa-7` says.",
    );
  });

  it("says why the policy's channel was not used", () => {
    expect(
      startedReply(
        "run_1",
        "qa-7",
        { channel: "C0RUNS", from: "command", refused: "C0ELSEWHERE" },
        "C0RUNS",
      ),
    ).toBe(
      "Started `run_1`; its approvals are here. The policy of `qa-7` routes them to <#C0ELSEWHERE>, a channel this bot does not serve (SLACK_CHANNELS, SLACK_DESKTOP_CHANNELS), so that route was not used.",
    );
  });
});

describe("SLACK_DESKTOP_CHANNELS entries", () => {
  it("reads pattern=channel with the policy's pattern syntax", () => {
    expect(desktopRouteSchema.parse("qa-*=C0QA")).toEqual({ pattern: "qa-*", channel: "C0QA" });
    expect(desktopRouteSchema.parse("desk-7=G07")).toEqual({ pattern: "desk-7", channel: "G07" });
  });

  it.each(["qa-*", "qa-*=#qa", "*=C0QA", "qa*-1=C0QA", "qa-*=C0QA=C0B", "QA=C0QA"])(
    "refuses %j with the expected shape",
    (entry) => {
      expect(desktopRouteSchema.safeParse(entry).error?.issues[0]?.message).toBe(
        "desktop (or prefix*) = channel id, e.g. qa-*=C0123ABCD",
      );
    },
  );
});
