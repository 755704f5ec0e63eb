import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { eventCallbackSchema } from "./event-callback.ts";
import { FakeSlackWebApi } from "./fake-slack-web-api.ts";
import type { SentRequest } from "./post-to-request-url.ts";
import { RequestUrlTransport } from "./request-url-transport.ts";
import { type RateLimitSettings, slackRateLimits } from "./slack-rate-limits.ts";
import type { AttemptOutcome, Envelope, RetryReason, SlackTransport } from "./slack-transport.ts";
import { SocketModeTransport } from "./socket-mode-transport.ts";
import { verifyRequestUrl } from "./verify-request-url.ts";

export type { Envelope, RetryReason } from "./slack-transport.ts";
export { maxSocketConnections } from "./socket-mode-transport.ts";

export interface FakeSlackOptions {
  /**
   * Slack's published Web API limits (the default), other limits, or "off" for a test
   * that does not claim anything about scale and must not wait on Retry-After.
   */
  rateLimits?: RateLimitSettings | "off";
  /**
   * When an Events API delivery fails (not answered in 3 s, or, over HTTP, not answered
   * 2xx) Slack sends it again, at once, then after a minute and after five
   * (https://docs.slack.dev/apis/events-api/#retries).
   */
  eventRetryDelaysMs?: readonly number[];
  /** The app's signing secret, used to sign requests to Request URLs. */
  signingSecret?: string;
  /** Deliver over HTTP to these Request URLs from the start (see `useRequestUrls`). */
  requestUrls?: readonly string[];
}

/** What the person saw instead of the app's answer to a command or an interaction. */
export interface UserError {
  type: Envelope["type"];
  /** `operation_timeout`: no answer in 3 s; `dispatch_failed`: the app could not be reached or answered an error. */
  error: "operation_timeout" | "dispatch_failed";
}

/**
 * Slack on loopback: the Web API (`apiUrl`, for `clientOptions.slackApiUrl`) and delivery
 * to the app, over Socket Mode (the WebSocket URL `apps.connections.open` hands out; the
 * default) or, after `useRequestUrls`, as signed HTTP requests to Request URLs. Tests push
 * envelopes as Slack would and get the app's acknowledgement back.
 */
export class FakeSlack {
  readonly botToken = "xoxb-fake-bot-token-000000000";
  readonly appToken = "xapp-fake-app-token-000000000";
  readonly signingSecret: string;
  readonly webApi: FakeSlackWebApi;
  readonly userErrors: UserError[] = [];
  /**
   * Each attempt at delivering an envelope: the Socket Mode connection (index in order of
   * connecting) or the Request URL (index in the list) it went to.
   */
  readonly deliveries: Array<{
    envelopeId: string;
    connection: number;
    retryAttempt: number;
    retryReason?: RetryReason;
  }> = [];
  /** Every HTTP request made to a Request URL, as sent (signed body and headers). */
  readonly sentRequests: SentRequest[] = [];
  private server: Server | undefined;
  private readonly socketMode = new SocketModeTransport();
  private started = false;
  private requestUrls: RequestUrlTransport | undefined;
  private port = 0;
  private turn = 0;
  private readonly eventRetryDelaysMs: readonly number[];

  constructor(options: FakeSlackOptions = {}) {
    this.webApi = new FakeSlackWebApi(
      () => this.apiUrl,
      () => `ws://127.0.0.1:${this.port}/socket`,
      this.botToken,
      this.appToken,
      options.rateLimits === "off" ? undefined : (options.rateLimits ?? slackRateLimits),
    );
    this.eventRetryDelaysMs = options.eventRetryDelaysMs ?? [0, 60_000, 300_000];
    this.signingSecret = options.signingSecret ?? "6e0a1f3b9c4d8e2f7a5b1c9d3e8f4a2b";
    if (options.requestUrls) this.useRequestUrls(options.requestUrls);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void this.webApi.handle(request, response, Buffer.concat(chunks));
      });
    });
    this.server = server;
    this.socketMode.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    this.started = true;
    return this;
  }

  /**
   * Switches delivery to HTTP mode: each envelope becomes a request signed with
   * `signingSecret` and POSTed to one of `urls`, in turn (several URLs stand for a
   * round-robin load balancer in front of app replicas).
   */
  useRequestUrls(urls: readonly string[]): void {
    this.requestUrls = new RequestUrlTransport(urls, this.signingSecret, (sent) =>
      this.sentRequests.push(sent),
    );
  }

  /** Slack's `url_verification` handshake against a Request URL; throws if it fails. */
  verifyRequestUrl(url: string): Promise<void> {
    return verifyRequestUrl(url, this.signingSecret, (sent) => this.sentRequests.push(sent));
  }

  /** Resolves once an app has opened a Socket Mode connection. */
  waitForSocket(): Promise<void> {
    return this.socketMode.connectedOnce;
  }

  /** Open Socket Mode connections. */
  get connectionCount(): number {
    return this.socketMode.connectionCount;
  }

  /**
   * Delivers an envelope to the app (Socket Mode: to one connection, Slack picks one per
   * envelope; HTTP: to one Request URL; here they take turns) and resolves with the app's
   * response payload: the Socket Mode ack's `payload`, or the body of the HTTP 200.
   * Slack waits 3 s for it (https://docs.slack.dev/apis/events-api/#responding). A failed
   * Events API delivery is sent again (Socket Mode: `retry_attempt`/`retry_reason`; HTTP:
   * `X-Slack-Retry-Num`/`X-Slack-Retry-Reason`); an interaction or slash command is not:
   * the person sees an error (recorded in `userErrors`) and the send fails. An
   * interaction's trigger id is issued now and lasts 3 s.
   */
  async send(envelope: Envelope, timeoutMs = 3_000): Promise<unknown> {
    if (envelope.type === "events_api") eventCallbackSchema.parse(envelope.payload);
    const transport = this.transport();
    const triggerId = envelope.payload.trigger_id;
    if (typeof triggerId === "string") this.webApi.issueTrigger(triggerId);
    const envelopeId = randomBytes(8).toString("hex");
    const retries = envelope.type === "events_api" ? this.eventRetryDelaysMs : [];
    let retryReason: RetryReason | undefined;
    for (let retryNum = 0; ; retryNum += 1) {
      const { target, outcome } = transport.attempt({
        envelope,
        envelopeId,
        retryNum,
        retryReason,
        turn: this.turn++,
        timeoutMs,
      });
      this.deliveries.push({
        envelopeId,
        connection: target,
        retryAttempt: retryNum,
        ...(retryReason ? { retryReason } : {}),
      });
      const result: AttemptOutcome = await outcome;
      if (result.kind === "acknowledged") return result.payload;
      if (!result.retryable || retryNum >= retries.length) {
        if (envelope.type !== "events_api")
          this.userErrors.push({
            type: envelope.type,
            error: timedOut(result.reason) ? "operation_timeout" : "dispatch_failed",
          });
        throw new Error(result.detail);
      }
      retryReason = result.reason;
      await new Promise((resolve) => setTimeout(resolve, retries[retryNum]));
    }
  }

  async close(): Promise<void> {
    await this.socketMode.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private transport(): SlackTransport {
    if (!this.started) throw new Error("start the fake Slack first");
    return this.requestUrls ?? this.socketMode;
  }
}

function timedOut(reason: RetryReason): boolean {
  return reason === "timeout" || reason === "http_timeout";
}
