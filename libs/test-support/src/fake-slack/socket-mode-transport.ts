import type { Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import type { AttemptOutcome, DeliveryAttempt, SlackTransport } from "./slack-transport.ts";

/** Slack allows an app at most 10 Socket Mode connections (the 11th is told `too_many_websockets`). */
export const maxSocketConnections = 10;

/**
 * Socket Mode on the fake's HTTP server (`/socket`, the URL `apps.connections.open` hands
 * out): says `hello` to each connection, sends each envelope to one of them, and waits for
 * the `{ envelope_id, payload }` acknowledgement.
 * https://docs.slack.dev/apis/events-api/using-socket-mode
 */
export class SocketModeTransport implements SlackTransport {
  private wss: WebSocketServer | undefined;
  private readonly sockets: WebSocket[] = [];
  private readonly socketIndex = new Map<WebSocket, number>();
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private connectionsEver = 0;
  private connected: (() => void) | undefined;
  /** Resolves once an app has opened a connection. */
  readonly connectedOnce: Promise<void>;

  constructor() {
    this.connectedOnce = new Promise((resolve) => {
      this.connected = resolve;
    });
  }

  /** Takes WebSocket upgrades on `server` at `/socket`. */
  attach(server: Server): void {
    this.wss = new WebSocketServer({ server, path: "/socket" });
    this.wss.on("connection", (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.sockets.length;
  }

  attempt(delivery: DeliveryAttempt): { target: number; outcome: Promise<AttemptOutcome> } {
    const socket = this.sockets[delivery.turn % Math.max(1, this.sockets.length)];
    if (!socket) {
      const outcome = {
        kind: "failed",
        reason: "timeout",
        detail: "no Socket Mode connection",
        retryable: true,
      } as const;
      return { target: -1, outcome: Promise.resolve(outcome) };
    }
    const { envelope, envelopeId, retryNum, timeoutMs } = delivery;
    const outcome = new Promise<AttemptOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        const detail = `no ack for ${envelope.type} within ${timeoutMs} ms`;
        resolve({ kind: "failed", reason: "timeout", detail, retryable: true });
      }, timeoutMs);
      this.pendingAcks.set(envelopeId, (payload) => {
        clearTimeout(timer);
        this.pendingAcks.delete(envelopeId);
        resolve({ kind: "acknowledged", payload });
      });
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: envelope.type !== "events_api",
        ...(retryNum > 0 ? { retry_attempt: retryNum, retry_reason: delivery.retryReason } : {}),
      }),
    );
    return { target: this.socketIndex.get(socket) ?? -1, outcome };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private accept(socket: WebSocket): void {
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
  }
}
