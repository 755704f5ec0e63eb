import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { FakeSlackWebApi } from "./fake-slack-web-api.ts";

export interface Envelope {
  type: "slash_commands" | "interactive" | "events_api";
  payload: Record<string, unknown>;
}

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
  private readonly sockets = new Set<WebSocket>();
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private port = 0;
  private connected: (() => void) | undefined;
  private connectedOnce: Promise<void>;

  constructor() {
    this.webApi = new FakeSlackWebApi(
      () => this.apiUrl,
      () => `ws://127.0.0.1:${this.port}/socket`,
      this.botToken,
      this.appToken,
    );
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
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id) this.pendingAcks.get(message.envelope_id)?.(message.payload);
      });
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: this.sockets.size,
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

  /**
   * Sends an envelope over Socket Mode; resolves with the app's ack payload (if any). Slack
   * waits 3 s for the ack (https://docs.slack.dev/apis/events-api/#responding): a later ack
   * fails the send. An interaction's trigger id is issued now and lasts 3 s.
   */
  async send(envelope: Envelope, timeoutMs = 3_000): Promise<unknown> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error("no Socket Mode connection");
    const triggerId = envelope.payload.trigger_id;
    if (typeof triggerId === "string") this.webApi.issueTrigger(triggerId);
    const envelopeId = randomBytes(8).toString("hex");
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ack for ${envelope.type} within ${timeoutMs} ms`)),
        timeoutMs,
      );
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
