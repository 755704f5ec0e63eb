import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import type { RedisStreamAuditLog } from "@deskgate/audit";
import {
  type AuditSink,
  type ExportSelection,
  exportAudit,
  jsonLinesSink,
  otlpLogSink,
  webhookSink,
} from "@deskgate/audit/export";
import { runIdSchema } from "@deskgate/contracts";
import { readEnvironment } from "@deskgate/core";
import { UsageError } from "./cli-redis.ts";

export const exportUsage =
  "npm run audit -- export [<runId> | --since ISO [--until ISO] | --follow [--since ISO]]\n" +
  "    [--out FILE | --otlp URL [--otlp-header name=value]… | --webhook URL]\n" +
  "    [--screenshots DIR] [--redis URL]   (the webhook secret comes from AUDIT_WEBHOOK_SECRET)";

export interface ExportArgs {
  runId: string | undefined;
  sinceMs: number | undefined;
  untilMs: number | undefined;
  follow: boolean;
  out: string | undefined;
  otlp: string | undefined;
  otlpHeaders: Record<string, string>;
  webhook: string | undefined;
  webhookSecret: string | undefined;
  screenshots: string | undefined;
}

export function parseExportArgs(args: string[]): ExportArgs {
  const { values, positionals } = parseArgs({
    args,
    options: {
      since: { type: "string" },
      until: { type: "string" },
      follow: { type: "boolean", default: false },
      out: { type: "string" },
      otlp: { type: "string" },
      "otlp-header": { type: "string", multiple: true, default: [] },
      webhook: { type: "string" },
      screenshots: { type: "string" },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError("export takes at most one run id");
  const runId = positionals[0];
  if (runId !== undefined && !runIdSchema.safeParse(runId).success)
    throw new UsageError(`not a run id: ${JSON.stringify(runId)}`);
  if (runId !== undefined && (values.since || values.until || values.follow))
    throw new UsageError("a run id exports the whole run: no --since, --until or --follow");
  if (values.follow && values.until) throw new UsageError("--follow has no end: no --until");
  const destinations = [values.out, values.otlp, values.webhook].filter((d) => d !== undefined);
  if (destinations.length > 1) throw new UsageError("choose one of --out, --otlp and --webhook");
  for (const url of [values.otlp, values.webhook])
    if (url !== undefined && !/^https?:\/\//.test(url))
      throw new UsageError(`not an http(s) URL: ${url}`);
  const webhookSecret = readEnvironment(process.env).AUDIT_WEBHOOK_SECRET;
  if (values.webhook && !webhookSecret)
    throw new UsageError("--webhook needs AUDIT_WEBHOOK_SECRET (shared with the receiver)");
  return {
    runId,
    sinceMs: parseTime("--since", values.since),
    untilMs: parseTime("--until", values.until),
    follow: values.follow,
    out: values.out,
    otlp: values.otlp,
    otlpHeaders: Object.fromEntries(values["otlp-header"].map(parseHeader)),
    webhook: values.webhook,
    webhookSecret,
    screenshots: values.screenshots,
  };
}

/** Exports as asked; follow mode runs until SIGINT or SIGTERM. Totals go to stderr. */
export async function exportCommand(
  args: ExportArgs,
  log: RedisStreamAuditLog,
  report: (line: string) => void,
): Promise<number> {
  const sink = sinkFor(args);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const selection: ExportSelection = args.runId
    ? { kind: "run", runId: args.runId }
    : args.follow
      ? { kind: "follow", fromMs: args.sinceMs, signal: controller.signal }
      : { kind: "range", fromMs: args.sinceMs, toMs: args.untilMs };
  try {
    const totals = await exportAudit(selection, {
      log,
      sink,
      screenshotsDir: args.screenshots,
    });
    report(`exported ${totals.records} records and ${totals.screenshots} screenshots`);
    if (args.runId && totals.records === 0) {
      report(`no audit trail for ${args.runId}`);
      return 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await sink.close();
  }
}

function sinkFor(args: ExportArgs): AuditSink {
  if (args.otlp) return otlpLogSink({ url: args.otlp, headers: args.otlpHeaders });
  if (args.webhook) return webhookSink({ url: args.webhook, secret: args.webhookSecret ?? "" });
  if (args.out) {
    const file = createWriteStream(args.out, { flags: "a" });
    const sink = jsonLinesSink(file);
    return {
      write: sink.write,
      close: () =>
        new Promise<void>((resolve, reject) =>
          file.end((err?: Error | null) => (err ? reject(err) : resolve())),
        ),
    };
  }
  return jsonLinesSink(process.stdout);
}

function parseTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new UsageError(`${flag} takes an ISO time such as 2026-11-25T10:00:00Z, got ${value}`);
  return ms;
}

function parseHeader(value: string): [string, string] {
  const index = value.indexOf("=");
  if (index < 1) throw new UsageError(`--otlp-header takes name=value, got ${value}`);
  return [value.slice(0, index), value.slice(index + 1)];
}
