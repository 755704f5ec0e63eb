import { setTimeout as sleep } from "node:timers/promises";
import type { AuditRecord, ReadAuditOptions } from "../audit-log.ts";
import type { AuditSink } from "./audit-sink.ts";
import { type ExportRecord, toExportRecord } from "./export-record.ts";
import { writeScreenshotFiles } from "./screenshot-files.ts";

/** What export reads: a run's records, the runs active in a period, screenshots by hash. */
export interface ExportableAuditLog {
  read(runId: string, options?: ReadAuditOptions): Promise<AuditRecord[]>;
  runsActiveBetween(fromMs?: number, toMs?: number): Promise<string[]>;
  screenshot(runId: string, sha256: string): Promise<Buffer | undefined>;
}

export type ExportSelection =
  /** Every record of one run. */
  | { kind: "run"; runId: string }
  /** Every record stored within [fromMs, toMs] (its stream id's time), run by run. */
  | { kind: "range"; fromMs?: number | undefined; toMs?: number | undefined }
  /** Records stored from fromMs (default: now) on, as they arrive, until `signal` aborts. */
  | { kind: "follow"; fromMs?: number | undefined; pollMs?: number; signal: AbortSignal };

export interface ExportAuditOptions {
  log: ExportableAuditLog;
  sink: AuditSink;
  /** Where screenshots go as `<sha256>.<ext>`; not exported when absent. */
  screenshotsDir?: string | undefined;
  /** Records per sink write. */
  batchSize?: number;
  now?: () => Date;
}

export interface ExportTotals {
  records: number;
  screenshots: number;
}

/**
 * How far back follow mode looks for runs with new records each poll: the run index is
 * scored by the writer's clock, which may lag this machine's.
 */
const clockSkewMarginMs = 5 * 60_000;

/** Exports the selected records to the sink, in stream order within each run. */
export async function exportAudit(
  selection: ExportSelection,
  options: ExportAuditOptions,
): Promise<ExportTotals> {
  const totals: ExportTotals = { records: 0, screenshots: 0 };
  const ship = async (records: AuditRecord[]) => {
    const batchSize = options.batchSize ?? 500;
    for (let start = 0; start < records.length; start += batchSize) {
      const batch: ExportRecord[] = records.slice(start, start + batchSize).map(toExportRecord);
      // Screenshots first: a record a receiver holds can always be matched to its files.
      if (options.screenshotsDir) {
        totals.screenshots += await writeScreenshotFiles(
          options.screenshotsDir,
          batch,
          (runId, sha) => options.log.screenshot(runId, sha),
        );
      }
      await options.sink.write(batch);
      totals.records += batch.length;
    }
  };
  switch (selection.kind) {
    case "run":
      await ship(await options.log.read(selection.runId));
      return totals;
    case "range": {
      const range = {
        from: selection.fromMs === undefined ? undefined : String(selection.fromMs),
        to: selection.toMs === undefined ? undefined : String(selection.toMs),
      };
      for (const runId of await options.log.runsActiveBetween(selection.fromMs ?? 0))
        await ship(await options.log.read(runId, range));
      return totals;
    }
    case "follow":
      await follow(selection, options, ship);
      return totals;
  }
}

async function follow(
  selection: Extract<ExportSelection, { kind: "follow" }>,
  options: ExportAuditOptions,
  ship: (records: AuditRecord[]) => Promise<void>,
): Promise<void> {
  const now = options.now ?? (() => new Date());
  const startMs = selection.fromMs ?? now().getTime();
  const cursors = new Map<string, string>();
  let scannedFromMs = startMs - clockSkewMarginMs;
  while (!selection.signal.aborted) {
    const scanStartedMs = now().getTime();
    for (const runId of await options.log.runsActiveBetween(scannedFromMs)) {
      const cursor = cursors.get(runId);
      // "(" makes XRANGE's start exclusive: only what came after the last exported record.
      const records = await options.log.read(runId, {
        from: cursor === undefined ? String(startMs) : `(${cursor}`,
      });
      if (records.length === 0) continue;
      await ship(records);
      cursors.set(runId, records.at(-1)!.id);
    }
    scannedFromMs = scanStartedMs - clockSkewMarginMs;
    await sleep(selection.pollMs ?? 1_000, undefined, { signal: selection.signal }).catch(() => {});
  }
}
