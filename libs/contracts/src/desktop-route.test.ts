import { describe, expect, it } from "vitest";
import {
  channelForDesktop,
  desktopPatternCovers,
  desktopPatternMatches,
  desktopPatternSchema,
  slackChannelIdSchema,
} from "./desktop-route.ts";

describe("desktop patterns", () => {
  it.each([
    ["desk-7", "desk-7", true],
    ["desk-7", "desk-70", false],
    ["qa-*", "qa-1", true],
    ["qa-*", "qa-", true],
    ["qa-*", "qaz", false],
    ["qa-*", "build-qa-1", false],
  ])("%s names %s: %s", (pattern, desktop, expected) => {
    expect(desktopPatternMatches(pattern, desktop)).toBe(expected);
  });

  it.each([
    ["qa-*", "qa-7", true],
    ["qa-*", "qa-eu-*", true],
    ["qa-7", "qa-7", true],
    ["qa-7", "qa-*", false],
    ["qa-eu-*", "qa-*", false],
    ["build-*", "qa-7", false],
  ])("%s before %s leaves nothing for the later one: %s", (earlier, later, expected) => {
    expect(desktopPatternCovers(earlier, later)).toBe(expected);
  });

  it("finds the first route that names the desktop", () => {
    const routes = [
      { pattern: "qa-eu-1", channel: "C0EU1" },
      { pattern: "qa-*", channel: "C0QA" },
      { pattern: "qa-eu-2", channel: "C0NEVER" },
    ];
    expect(channelForDesktop(routes, "qa-eu-1")).toBe("C0EU1");
    expect(channelForDesktop(routes, "qa-eu-2")).toBe("C0QA");
    expect(channelForDesktop(routes, "build-1")).toBeUndefined();
    expect(channelForDesktop(routes, undefined)).toBeUndefined();
  });

  it.each(["desk-7", "qa-*", "q*"])("accepts the pattern %s", (pattern) => {
    expect(desktopPatternSchema.parse(pattern)).toBe(pattern);
  });

  it.each(["*", "QA-*", "qa*-1", "-qa", "qa:1", `${"a".repeat(41)}`])(
    "refuses the pattern %j, naming the syntax",
    (pattern) => {
      expect(desktopPatternSchema.safeParse(pattern).error?.issues[0]?.message).toBe(
        `must be a desktop name or a prefix ending in * (e.g. desk-7, qa-*), got ${JSON.stringify(pattern)}`,
      );
    },
  );
});

describe("slack channel ids", () => {
  it.each(["C0123ABCD", "G0PRIVATE"])("accepts %s", (id) => {
    expect(slackChannelIdSchema.parse(id)).toBe(id);
  });

  it.each([
    [
      "#qa-approvals",
      'must be a Slack channel id such as C0123ABCD (not a name), got "#qa-approvals"',
    ],
    ["c0123abcd", 'must be a Slack channel id such as C0123ABCD (not a name), got "c0123abcd"'],
    ["D0DIRECT", 'must be a Slack channel id such as C0123ABCD (not a name), got "D0DIRECT"'],
    [undefined, "required: a Slack channel id such as C0123ABCD"],
    [123, "must be a Slack channel id such as C0123ABCD, got 123"],
  ])("refuses %j", (id, message) => {
    expect(slackChannelIdSchema.safeParse(id).error?.issues[0]?.message).toBe(message);
  });
});
