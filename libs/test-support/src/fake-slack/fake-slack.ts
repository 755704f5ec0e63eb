import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { FakeSlackWebApi } from "./fake-slack-web-api.ts";
import { type RateLimitSettings, slackRateLimits } from "./slack-rate-limits.ts";

export interface Envelope {
  type: "slash_commands" | "interactive" | "events_api";
  payload: Record<string, unknown>;
}

export interface FakeSlackOptions {
  /**
   * Slack's published Web API limits (the default), other limits, or "off" for a test
   * that does not claim anything about scale and must not wait on Retry-After.
   */
  rateLimits?: RateLimitSettings | "off";
  /**
   * When an Events API envelope is not acked in 3 s Slack sends it again, at once, then
   * after a minute and after five (https://docs.slack.dev/apis/events-api/#retries).
   */
  eventRetryDelaysMs?: readonly number[];
}

/** Slack allows an app at most 10 Socket Mode connections (the 11th is told `too_many_websockets`). */
export const maxSocketConnections = 10;

/**
 * Slack on loopback: the Web API (`apiUrl`, for `clientOptions.slackApiUrl`) and Socket
 * Mode (the WebSocket URL `apps.connections.open` hands out). Tests push envelopes as
 * Slack would and get the app's acknowledgement back.
 */
export class FakeSlack {
  readonly botToken = "xoxb-fake-bot-token-000000000";
  readonly appToken = "xapp-fake-app-token-000000000";
  readonly webApi: FakeSlackWebApi;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  /** What people saw instead of the app's answer (an interaction not acked within 3 s). */
  readonly userErrors: Array<{ type: Envelope["type"]; error: "operation_timeout" }> = [];
  /** Envelope id → the connection (index in order of connecting) it was delivered on. */
  readonly deliveries: Array<{ envelopeId: string; connection: number; retryAttempt: number }> = [];
  private readonly sockets: WebSocket[] = [];
  private readonly socketIndex = new Map<WebSocket, number>();
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private port = 0;
  private nextSocket = 0;
  private connectionsEver = 0;
  private connected: (() => void) | undefined;
  private connectedOnce: Promise<void>;
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
    this.connectedOnce = new Promise((resolve) => {
      this.connected = resolve;
    });
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void this.webApi.handle(request, response, Buffer.concat(chunks));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: "/socket" });
    this.wss.on("connection", (socket) => {
      if (this.sockets.length >= maxSocketConnections) {
        // What Slack does past 10 connections per app (seen in slackapi/bolt-js#2225).
        socket.send(JSON.stringify({ type: "disconnect", reason: "too_many_websockets" }));
        socket.close();
        return;
      }
      this.sockets.push(socket);
      this.socketIndex.set(socket, this.connectionsEver++);
      socket.on("close", () => {
        const at = this.sockets.indexOf(socket);
        if (at >= 0) this.sockets.splice(at, 1);
      });
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id) this.pendingAcks.get(message.envelope_id)?.(message.payload);
      });
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: this.sockets.length,
          debug_info: { host: "fake" },
          connection_info: { app_id: "A0FAKE" },
        }),
      );
      this.connected?.();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
    return this;
  }

  /** Resolves once an app has opened a Socket Mode connection. */
  waitForSocket(): Promise<void> {
    return this.connectedOnce;
  }

  /** Open Socket Mode connections. */
  get connectionCount(): number {
    return this.sockets.length;
  }

  /**
   * Sends an envelope over Socket Mode to one connection (Slack picks one of the app's
   * connections per envelope; here they take turns); resolves with the app's ack payload.
   * Slack waits 3 s for the ack (https://docs.slack.dev/apis/events-api/#responding).
   * An Events API envelope not acked in time is sent again with `retry_attempt` and
   * `retry_reason: "timeout"`; an interaction or slash command is not: the person sees
   * an error (recorded in `userErrors`) and the send fails. An interaction's trigger id
   * is issued now and lasts 3 s.
   */
  async send(envelope: Envelope, timeoutMs = 3_000): Promise<unknown> {
    const triggerId = envelope.payload.trigger_id;
    if (typeof triggerId === "string") this.webApi.issueTrigger(triggerId);
    const envelopeId = randomBytes(8).toString("hex");
    const retries = envelope.type === "events_api" ? this.eventRetryDelaysMs : [];
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.deliver(envelope, envelopeId, attempt, timeoutMs);
      } catch (err) {
        if (attempt >= retries.length) {
          if (envelope.type !== "events_api")
            this.userErrors.push({ type: envelope.type, error: "operation_timeout" });
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, retries[attempt]));
      }
    }
  }

  private deliver(
    envelope: Envelope,
    envelopeId: string,
    retryAttempt: number,
    timeoutMs: number,
  ): Promise<unknown> {
    const socket = this.sockets[this.nextSocket++ % Math.max(1, this.sockets.length)];
    if (!socket) throw new Error("no Socket Mode connection");
    this.deliveries.push({
      envelopeId,
      connection: this.socketIndex.get(socket) ?? -1,
      retryAttempt,
    });
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`no ack for ${envelope.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingAcks.set(envelopeId, (payload) => {
        clearTimeout(timer);
        this.pendingAcks.delete(envelopeId);
        resolve(payload);
      });
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: envelope.type !== "events_api",
        ...(retryAttempt > 0 ? { retry_attempt: retryAttempt, retry_reason: "timeout" } : {}),
      }),
    );
    return acked;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
