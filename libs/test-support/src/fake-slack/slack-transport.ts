/** What Slack has for the app: a slash command, an interaction, or an Events API event. */
export interface Envelope {
  type: "slash_commands" | "interactive" | "events_api";
  payload: Record<string, unknown>;
}

/**
 * Why Slack delivers an event again: over HTTP, `X-Slack-Retry-Reason`
 * (https://docs.slack.dev/apis/events-api/#retries: `http_timeout` — no answer in 3 s,
 * `too_many_redirects` — more than 2, `connection_failed`, `ssl_error`, `http_error` — an
 * answer other than 2xx, `unknown_error`); in Socket Mode the envelope's `retry_reason`.
 */
export type RetryReason =
  | "timeout"
  | "http_timeout"
  | "too_many_redirects"
  | "connection_failed"
  | "ssl_error"
  | "http_error"
  | "unknown_error";

/** One try at getting an envelope to the app. */
export interface DeliveryAttempt {
  envelope: Envelope;
  /** Same for every retry of one envelope. */
  envelopeId: string;
  /** 0 for the first try, n for the n-th retry. */
  retryNum: number;
  /** On a retry: why the try before it failed. */
  retryReason: RetryReason | undefined;
  /** Counts up across all deliveries; the transport takes turns over its targets with it. */
  turn: number;
  /** How long the app has to answer (Slack: 3 s). */
  timeoutMs: number;
}

export type AttemptOutcome =
  /** The app answered in time; `payload` is its response payload (undefined when empty). */
  | { kind: "acknowledged"; payload: unknown }
  /** `retryable: false` when the app said not to retry (`X-Slack-No-Retry: 1`). */
  | { kind: "failed"; reason: RetryReason; detail: string; retryable: boolean };

/**
 * How one delivery attempt is made: over a Socket Mode connection or as a signed POST to a
 * Request URL. Waiting, retrying and what the person sees are the same for both and live in
 * `FakeSlack.send`. `target` says which connection or Request URL the attempt went to.
 */
export interface SlackTransport {
  attempt(delivery: DeliveryAttempt): { target: number; outcome: Promise<AttemptOutcome> };
  close(): Promise<void>;
}
