import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, scrubSecrets } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe("logger", () => {
  it("redacts secrets in config objects, headers and free text", () => {
    const { lines, destination } = capture();
    const botToken = "xoxb-1111-2222-abcdefabcdef";
    const apiKey = "sk-ant-api03-secretsecret";
    const logger = createLogger({
      destination,
      secrets: [botToken, apiKey, "plain-signing-secret"],
    });
    logger.info(
      { config: { slackBotToken: botToken, anthropicApiKey: apiKey, channel: "C1" } },
      "config loaded",
    );
    logger.info({ request: { headers: { authorization: `Bearer ${botToken}` } } }, "request");
    logger.error({ err: new Error(`upstream said invalid key ${apiKey}`) }, "call failed");
    logger.warn({}, "signing with plain-signing-secret");
    const text = lines.join("");
    expect(text).not.toContain(botToken);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("plain-signing-secret");
    expect(text).toContain('"channel":"C1"');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it("scrubs token-shaped strings even when their values were not given", () => {
    expect(scrubSecrets("token xapp-1-A0-123 and xoxp-99-aa")).toBe(
      "token [redacted] and [redacted]",
    );
  });
});
