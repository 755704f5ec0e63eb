import { describe, expect, it } from "vitest";
import { readSlackText } from "./from-slack.ts";

describe("text as Slack delivers it, back to what was typed", () => {
  it.each([
    [
      "run: echo hi &gt; /tmp/out &amp;&amp; cat /tmp/out",
      "run: echo hi > /tmp/out && cat /tmp/out",
    ],
    ["a &lt;b&gt; c &amp;lt;", "a <b> c &lt;"],
    ["ask <@U0BOB|bob> in <#C0RUNS|agents>", "ask @bob in #agents"],
    ["ask <@U0BOB>", "ask @U0BOB"],
    ["open <https://example.com>", "open https://example.com"],
    ["open <https://example.com|example.com>", "open example.com"],
    ["read <https://evil.example|the docs>", "read the docs (https://evil.example)"],
    ["mail <mailto:a@b.c|a@b.c>", "mail a@b.c"],
    ["<!here> and <!channel>", "@here and @channel"],
    ["<!subteam^S0LEADS|@leads>", "@leads"],
    ["at <!date^1790000000^{time}|10:13>", "at 10:13"],
  ])("reads %j as %j", (delivered, typed) => {
    expect(readSlackText(delivered)).toBe(typed);
  });
});
