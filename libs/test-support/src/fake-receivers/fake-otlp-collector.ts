import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { type LoopbackReply, type LoopbackServer, startLoopbackServer } from "./loopback-server.ts";

/** OTLP/JSON AnyValue: exactly one of the value kinds. */
const anyValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.object({ stringValue: z.string() }).strict(),
    z.object({ boolValue: z.boolean() }).strict(),
    // int64 travels as a decimal string in OTLP/JSON (numbers are accepted too).
    z.object({ intValue: z.union([z.string().regex(/^-?\d+$/), z.number().int()]) }).strict(),
    z.object({ doubleValue: z.number() }).strict(),
    z.object({ arrayValue: z.object({ values: z.array(anyValue).optional() }).strict() }).strict(),
    z.object({ kvlistValue: z.object({ values: z.array(keyValue).optional() }).strict() }).strict(),
    z.object({ bytesValue: z.string() }).strict(),
  ]),
);
const keyValue = z.object({ key: z.string().min(1), value: anyValue });
const unixNano = z.string().regex(/^\d+$/, "unix nanoseconds as a decimal string");
const logRecord = z
  .object({
    timeUnixNano: unixNano.optional(),
    observedTimeUnixNano: unixNano.optional(),
    severityNumber: z.number().int().min(0).max(24).optional(),
    severityText: z.string().optional(),
    eventName: z.string().optional(),
    body: anyValue.optional(),
    attributes: z.array(keyValue).optional(),
    droppedAttributesCount: z.number().int().optional(),
    flags: z.number().int().optional(),
    // Hex in OTLP/JSON, not base64.
    traceId: z
      .string()
      .regex(/^([0-9a-f]{32})?$/)
      .optional(),
    spanId: z
      .string()
      .regex(/^([0-9a-f]{16})?$/)
      .optional(),
  })
  .strict();
const exportLogsRequest = z
  .object({
    resourceLogs: z.array(
      z.object({
        resource: z
          .object({ attributes: z.array(keyValue) })
          .partial()
          .passthrough()
          .optional(),
        scopeLogs: z.array(
          z.object({
            scope: z.object({ name: z.string() }).passthrough().optional(),
            logRecords: z.array(logRecord),
            schemaUrl: z.string().optional(),
          }),
        ),
        schemaUrl: z.string().optional(),
      }),
    ),
  })
  .strict();

export interface ReceivedLogRecord {
  resource: Record<string, unknown>;
  scope: string | undefined;
  timeUnixNano: string | undefined;
  eventName: string | undefined;
  body: unknown;
  attributes: Record<string, unknown>;
}

/**
 * An OTLP/HTTP logs receiver on loopback, as strict as the OpenTelemetry Collector's
 * otlphttp receiver on what it checks: POST /v1/logs, JSON-encoded
 * ExportLogsServiceRequest (the protobuf JSON mapping), 400 on a malformed body, 415 on
 * any other content type. https://opentelemetry.io/docs/specs/otlp/#otlphttp
 * `failNext` makes it answer 503 (retryable) to the next n requests.
 */
export class FakeOtlpCollector {
  readonly records: ReceivedLogRecord[] = [];
  readonly rejected: string[] = [];
  failNext = 0;
  private server: LoopbackServer | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.server?.port ?? 0}/v1/logs`;
  }

  async start(): Promise<void> {
    this.server = await startLoopbackServer((request, body) => this.handle(request, body));
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private handle(request: IncomingMessage, body: string): LoopbackReply {
    if (request.method !== "POST" || request.url !== "/v1/logs")
      return { status: 404, json: { message: "not found" } };
    if (!String(request.headers["content-type"]).startsWith("application/json"))
      return this.refuse(415, `unsupported content type ${request.headers["content-type"]}`);
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { status: 503, json: { message: "unavailable" } };
    }
    let parsed: z.infer<typeof exportLogsRequest>;
    try {
      parsed = exportLogsRequest.parse(JSON.parse(body));
    } catch (err) {
      return this.refuse(400, err instanceof Error ? err.message : String(err));
    }
    for (const resourceLogs of parsed.resourceLogs) {
      const resource = attributesOf(resourceLogs.resource?.attributes ?? []);
      for (const scopeLogs of resourceLogs.scopeLogs) {
        for (const record of scopeLogs.logRecords) {
          this.records.push({
            resource,
            scope: scopeLogs.scope?.name,
            timeUnixNano: record.timeUnixNano,
            eventName: record.eventName,
            body: plain(record.body),
            attributes: attributesOf(record.attributes ?? []),
          });
        }
      }
    }
    return { status: 200, json: {} };
  }

  private refuse(status: number, message: string) {
    this.rejected.push(message);
    return { status, json: { message } };
  }
}

function attributesOf(
  list: ReadonlyArray<{ key: string; value: unknown }>,
): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

/** An AnyValue as a plain value (strings, numbers, booleans). */
function plain(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const [kind, inner] = Object.entries(value)[0] ?? [];
  if (kind === "intValue") return Number(inner);
  return inner;
}
