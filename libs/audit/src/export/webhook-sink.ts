import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@deskgate/core";
import type { AuditSink } from "./audit-sink.ts";
import { type ExportRecord, toExportLine } from "./export-record.ts";

export interface WebhookSinkOptions {
  url: string;
  /** Shared with the receiver, which recomputes the signature; at least 16 characters. */
  secret: string;
  /** Waits before each retry of a failed delivery (network error, 429 or 5xx). */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  now?: () => Date;
}

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const webhookSignatureHeader = "deskgate-signature";

/** The signature of one delivery, as the receiver recomputes it (see docs/AUDIT.md). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * POSTs each batch as JSON lines (application/x-ndjson), signed like Stripe's and Slack's
 * webhooks: an HMAC-SHA256 over the timestamp and the body, so the receiver can check
 * origin and integrity and refuse replays outside its tolerance.
 * https://docs.stripe.com/webhooks#verify-manually
 */
export function webhookSink(options: WebhookSinkOptions): AuditSink {
  if (options.secret.length < 16)
    throw new AppError(
      "audit_webhook_secret_short",
      "the webhook secret needs at least 16 characters",
    );
  const delays = options.retryDelaysMs ?? [500, 2_000, 5_000, 15_000];
  const now = options.now ?? (() => new Date());
  return {
    async write(records: readonly ExportRecord[]) {
      if (records.length === 0) return;
      const body = records.map(toExportLine).join("");
      let lastProblem = "";
      for (let attempt = 0; attempt <= delays.length; attempt += 1) {
        if (attempt > 0) await sleep(delays[attempt - 1]!);
        const timestamp = Math.floor(now().getTime() / 1_000);
        const problem = await deliver(options, body, timestamp, records);
        if (problem === undefined) return;
        if (!problem.retry) throw new AppError("audit_export_refused", problem.message);
        lastProblem = problem.message;
      }
      throw new AppError(
        "audit_export_failed",
        `${lastProblem} (after ${delays.length + 1} tries)`,
      );
    },
    async close() {},
  };
}

async function deliver(
  options: WebhookSinkOptions,
  body: string,
  timestamp: number,
  records: readonly ExportRecord[],
): Promise<{ retry: boolean; message: string } | undefined> {
  const signature = signWebhookBody(options.secret, timestamp, body);
  try {
    const response = await fetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-ndjson",
        [webhookSignatureHeader]: `t=${timestamp},v1=${signature}`,
        // The last record's hash names the batch: a receiver may drop a repeated delivery.
        "idempotency-key": records.at(-1)!.hash,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer();
    if (response.ok) return undefined;
    const retry = response.status === 429 || response.status >= 500;
    return { retry, message: `the webhook at ${options.url} answered ${response.status}` };
  } catch (err) {
    return {
      retry: true,
      message: `the webhook at ${options.url} did not answer: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
