import { randomBytes } from "node:crypto";
import { postToRequestUrl, type SentRequest } from "./post-to-request-url.ts";
import { slackUserAgent } from "./request-url-transport.ts";
import { signedRequest } from "./slack-payloads.ts";

/**
 * Slack's check when a Request URL is saved: a signed JSON `url_verification` with a random
 * `challenge`, to be answered with HTTP 200 within 3 s echoing the challenge as plain text,
 * as JSON `{ "challenge": … }` or form-encoded `challenge=…`.
 * https://docs.slack.dev/reference/events/url_verification
 * Resolves when the URL passes; throws saying why when it does not.
 */
export async function verifyRequestUrl(
  url: string,
  signingSecret: string,
  onSent: (sent: SentRequest) => void = () => undefined,
): Promise<void> {
  const challenge = randomBytes(24).toString("base64url");
  const body = JSON.stringify({ token: "verification-token", challenge, type: "url_verification" });
  const signed = signedRequest(body, signingSecret, { contentType: "application/json" });
  const outcome = await postToRequestUrl({
    url,
    headers: { ...signed.headers, "user-agent": slackUserAgent },
    body,
    timeoutMs: 3_000,
    onSent,
  });
  if (outcome.kind === "failed")
    throw new Error(`Request URL ${url} failed verification: ${outcome.detail}`);
  if (echoedChallenge(outcome.payload) !== challenge)
    throw new Error(`Request URL ${url} did not echo the challenge`);
}

function echoedChallenge(payload: unknown): string | null | undefined {
  if (typeof payload === "string")
    return new URLSearchParams(payload).get("challenge") ?? payload.trim();
  if (typeof payload === "object" && payload && "challenge" in payload)
    return typeof payload.challenge === "string" ? payload.challenge : undefined;
  return undefined;
}
