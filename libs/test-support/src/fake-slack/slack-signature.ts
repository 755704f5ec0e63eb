import { createHmac } from "node:crypto";

/**
 * The `X-Slack-Signature` value Slack sends with a request: `v0=` and the hex HMAC-SHA256,
 * keyed with the app's signing secret, of `v0:{timestamp}:{body}` (timestamp in Unix
 * seconds, as in `X-Slack-Request-Timestamp`; body byte for byte as sent).
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export function slackSignature(signingSecret: string, timestampSeconds: number, body: string) {
  const digest = createHmac("sha256", signingSecret)
    .update(`v0:${timestampSeconds}:${body}`)
    .digest("hex");
  return `v0=${digest}`;
}
