import { AppError } from "@deskgate/core";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  LoggerProvider,
  type LogRecordProcessor,
  type ReadableLogRecord,
} from "@opentelemetry/sdk-logs";
import type { AuditSink } from "./audit-sink.ts";
import { type ExportRecord, toExportLine } from "./export-record.ts";

export interface OtlpLogSinkOptions {
  /** The collector's OTLP/HTTP logs endpoint, e.g. http://collector:4318/v1/logs. */
  url: string;
  /** Extra request headers (an API key header for a vendor's intake). */
  headers?: Record<string, string>;
  /** Per export request; the exporter retries transient failures within it. */
  timeoutMs?: number;
}

/**
 * Ships records as OpenTelemetry log records over OTLP/HTTP (JSON-encoded protobuf) with
 * the OpenTelemetry SDK's own exporter, so any OTLP-speaking collector or SIEM intake
 * (the Collector, Splunk, Elastic, Datadog) takes them. Each log record's body is the
 * export line; attributes repeat the fields a query filters on.
 * https://opentelemetry.io/docs/specs/otel/logs/data-model/
 */
export function otlpLogSink(options: OtlpLogSinkOptions): AuditSink {
  const exporter = new OTLPLogExporter({
    url: options.url,
    headers: options.headers ?? {},
    timeoutMillis: options.timeoutMs ?? 10_000,
  });
  const collected: ReadableLogRecord[] = [];
  // The SDK's batch and simple processors report a failed export to a global handler and
  // move on; this one hands the batch to the exporter and waits for its verdict.
  const collecting: LogRecordProcessor = {
    onEmit: (record) => void collected.push(record),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "deskgate" }),
    processors: [collecting],
  });
  const logger = provider.getLogger("deskgate.audit");
  return {
    async write(records: readonly ExportRecord[]) {
      if (records.length === 0) return;
      for (const record of records) {
        logger.emit({
          eventName: record.type,
          timestamp: new Date(record.at),
          severityNumber: SeverityNumber.INFO,
          severityText: "INFO",
          body: toExportLine(record).trimEnd(),
          attributes: {
            "deskgate.run_id": record.runId,
            "deskgate.audit.type": record.type,
            "deskgate.audit.id": record.id,
            "deskgate.audit.seq": record.seq,
            "deskgate.audit.hash": record.hash,
          },
        });
      }
      const batch = collected.splice(0);
      const result = await new Promise<ExportResult>((resolve) => exporter.export(batch, resolve));
      if (result.code !== ExportResultCode.SUCCESS) {
        throw new AppError(
          "audit_export_failed",
          `the collector at ${options.url} did not take ${batch.length} records: ${result.error?.message ?? "export failed"}`,
        );
      }
    },
    async close() {
      await provider.shutdown();
      await exporter.shutdown();
    },
  };
}
