import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "./loopback-server.ts";

export interface ReceivedDelivery {
  body: string;
  idempotencyKey: string | undefined;
}

/**
 * A webhook receiver on loopback that does what a careful SIEM intake does with a signed
 * delivery: recompute `t=<ts>,v1=<hmac>` over "<ts>.<body>" with the shared secret, refuse
 * a bad or missing signature (401) and a timestamp outside five minutes (401), and take
 * the rest. `failNext` answers 503 to the next n deliveries.
 */
export class WebhookReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly refused: string[] = [];
  failNext = 0;
  private server: LoopbackServer | undefined;

  constructor(
    private readonly secret: string,
    private readonly toleranceSeconds = 300,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.server?.port ?? 0}/audit`;
  }

  /** Every record delivered, in order, as parsed JSON lines. */
  lines(): unknown[] {
    return this.deliveries.flatMap((d) =>
      d.body
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as unknown),
    );
  }

  async start(): Promise<void> {
    this.server = await startLoopbackServer((request, body) => ({
      status: this.handle(request, body),
    }));
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private handle(request: IncomingMessage, body: string): number {
    if (request.method !== "POST") return 405;
    if (this.failNext > 0) {
      this.failNext -= 1;
      return 503;
    }
    const header = String(request.headers["deskgate-signature"] ?? "");
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    if (!match) return this.refuse(`no signature: ${header}`);
    const timestamp = Number(match[1]);
    if (Math.abs(Date.now() / 1_000 - timestamp) > this.toleranceSeconds)
      return this.refuse(`timestamp ${timestamp} outside tolerance`);
    const expected = createHmac("sha256", this.secret).update(`${timestamp}.${body}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(match[2]!, "hex")))
      return this.refuse("signature mismatch");
    const key = request.headers["idempotency-key"];
    this.deliveries.push({ body, idempotencyKey: typeof key === "string" ? key : undefined });
    return 200;
  }

  private refuse(reason: string): number {
    this.refused.push(reason);
    return 401;
  }
}
