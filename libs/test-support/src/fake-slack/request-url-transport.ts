import { z } from "zod";
import { postToRequestUrl, type SentRequest } from "./post-to-request-url.ts";
import { requestUrlBody } from "./request-url-body.ts";
import { signedRequest } from "./slack-payloads.ts";
import type { AttemptOutcome, DeliveryAttempt, SlackTransport } from "./slack-transport.ts";

/** Request URLs on loopback: plain http, at least one. */
export const requestUrlsSchema = z.array(z.url({ protocol: /^http$/ })).min(1);

/** Slack's user agent on requests to an app (https://api.slack.com/robots). */
export const slackUserAgent = "Slackbot 1.0 (+https://api.slack.com/robots)";

/**
 * HTTP mode: each attempt is a signed POST to one of the Request URLs, in turn (a list
 * stands for a load balancer in front of app replicas). A retry carries `X-Slack-Retry-Num`
 * and `X-Slack-Retry-Reason` (https://docs.slack.dev/apis/events-api/#retries) and is
 * signed afresh (https://docs.slack.dev/authentication/verifying-requests-from-slack).
 */
export class RequestUrlTransport implements SlackTransport {
  private readonly requestUrls: readonly string[];

  constructor(
    requestUrls: readonly string[],
    private readonly signingSecret: string,
    private readonly onSent: (sent: SentRequest) => void,
  ) {
    this.requestUrls = requestUrlsSchema.parse(requestUrls);
  }

  attempt(delivery: DeliveryAttempt): { target: number; outcome: Promise<AttemptOutcome> } {
    const target = delivery.turn % this.requestUrls.length;
    const { contentType, body } = requestUrlBody(delivery.envelope);
    const signed = signedRequest(body, this.signingSecret, { contentType });
    const headers: Record<string, string> = {
      ...signed.headers,
      "user-agent": slackUserAgent,
      ...(delivery.retryNum > 0 && delivery.retryReason
        ? {
            "x-slack-retry-num": String(delivery.retryNum),
            "x-slack-retry-reason": delivery.retryReason,
          }
        : {}),
    };
    const outcome = postToRequestUrl({
      url: this.requestUrls[target]!,
      headers,
      body,
      timeoutMs: delivery.timeoutMs,
      onSent: this.onSent,
    });
    return { target, outcome };
  }

  async close(): Promise<void> {}
}
