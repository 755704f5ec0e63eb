import type { RunRecord, RunSummary } from "@deskgate/contracts";
import type { Block } from "./approval-card.ts";

const statusText: Record<RunRecord["status"], string> = {
  queued: ":hourglass_flowing_sand: queued",
  running: ":gear: running",
  waiting: ":raised_hand: waiting for approval",
  finished: ":checkered_flag: finished",
  failed: ":x: failed",
  cancelled: ":black_square_for_stop: stopped",
};

/** The run's root message in the channel; its thread holds every step. Pure. */
export function runRootMessage(run: RunRecord): { text: string; blocks: Block[] } {
  const { request } = run;
  const desktop = run.desktop ?? request.desktop ?? "any free desktop";
  const lines = [
    `*Task:* ${request.task}`,
    `Requested by <@${request.requester.userId}> · desktop \`${desktop}\` · run \`${request.runId}\``,
    `*Status:* ${statusText[run.status]}${run.step ? ` · step ${run.step}` : ""}${run.endReason ? ` · ${run.endReason}` : ""}`,
  ];
  return {
    text: `Agent run: ${request.task}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n") } }],
  };
}

/** The end-of-run summary for the thread. Pure. */
export function runSummaryMessage(
  status: "finished" | "failed" | "cancelled",
  summary: RunSummary | undefined,
  reason?: string,
) {
  const heading = {
    finished: ":checkered_flag: *Run finished*",
    failed: ":x: *Run failed*",
    cancelled: ":black_square_for_stop: *Run stopped*",
  }[status];
  const lines = [heading + (reason ? ` — ${reason}` : "")];
  if (summary) {
    const tokens =
      summary.usage.inputTokens +
      summary.usage.outputTokens +
      summary.usage.cacheReadInputTokens +
      summary.usage.cacheCreationInputTokens;
    lines.push(
      `${summary.steps} steps · ${summary.approved} approved · ${summary.denied} denied · ${summary.autoApproved} auto-approved`,
      `${formatDuration(summary.durationMs)} · ${tokens.toLocaleString("en-US")} tokens (${summary.usage.outputTokens.toLocaleString("en-US")} output)`,
    );
    if (summary.finalText)
      lines.push(`> ${summary.finalText.slice(0, 1_000).replace(/\n/g, "\n> ")}`);
  }
  return {
    text: lines[0]!,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n") } }],
  };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${seconds % 60} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** One compact line in the thread (an auto-approved step, an executed action). */
export function threadLine(text: string): { text: string; blocks: Block[] } {
  return { text, blocks: [{ type: "context", elements: [{ type: "mrkdwn", text }] }] };
}
