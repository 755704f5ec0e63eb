import type { ComputerAction, RunRecord, RunSummary } from "@deskgate/contracts";
import { cutShownText, showText } from "../slack-text/show-text.ts";
import { notificationText } from "../slack-text/to-slack.ts";
import { type Block, contextLine, oursSection, outsideSection, type Piece } from "./block-kit.ts";
import { describeAction } from "./describe-action.ts";
import { fitText, slackLimits } from "./fit-to-slack.ts";

const statusText: Record<RunRecord["status"], string> = {
  queued: ":hourglass_flowing_sand: queued",
  running: ":gear: running",
  waiting: ":raised_hand: waiting for approval",
  finished: ":checkered_flag: finished",
  failed: ":x: failed",
  cancelled: ":black_square_for_stop: stopped",
};

/**
 * The run's root message in the channel; its thread holds every step. The task is the
 * requester's text and the end reason may quote the model API or Slack: both plain text.
 * Pure.
 */
export function runRootMessage(run: RunRecord): { text: string; blocks: Block[] } {
  const { request } = run;
  const desktop = run.desktop ?? request.desktop ?? "any free desktop";
  return {
    text: notificationText(fitText(`Agent run: ${request.task}`, slackLimits.messageText).text),
    blocks: [
      oursSection("*Task:*"),
      outsideSection(request.task),
      contextLine([
        {
          ours: `Requested by <@${request.requester.userId}> · desktop \`${desktop}\` · run \`${request.runId}\``,
        },
      ]),
      contextLine(runStatusPieces(run)),
    ],
  };
}

/** "Status: waiting for approval · step 3", with an end reason as plain text. */
export function runStatusPieces(run: RunRecord): Piece[] {
  return [
    { ours: `*Status:* ${statusText[run.status]}${run.step ? ` · step ${run.step}` : ""}` },
    ...(run.endReason ? [{ outside: run.endReason }] : []),
  ];
}

/** One run in a list: id, status, step, desktop (ours), the task (outside). */
export function runListPieces(run: RunRecord): Piece[] {
  return [
    {
      ours: `\`${run.request.runId}\` · ${run.status}${run.step ? ` · step ${run.step}` : ""} · ${run.desktop ?? run.request.desktop ?? "any desktop"}`,
    },
    { outside: fitText(run.request.task, 80).text },
  ];
}

/** The end-of-run summary for the thread; the reason and the model's last words as plain text. Pure. */
export function runSummaryMessage(
  status: "finished" | "failed" | "cancelled",
  summary: RunSummary | undefined,
  reason?: Piece,
) {
  const heading = {
    finished: ":checkered_flag: *Run finished*",
    failed: ":x: *Run failed*",
    cancelled: ":black_square_for_stop: *Run stopped*",
  }[status];
  const blocks: Block[] = [contextLine([{ ours: heading }, ...(reason ? [reason] : [])])];
  if (summary) {
    const tokens =
      summary.usage.inputTokens +
      summary.usage.outputTokens +
      summary.usage.cacheReadInputTokens +
      summary.usage.cacheCreationInputTokens;
    blocks.push(
      oursSection(
        [
          `${summary.steps} steps · ${summary.approved} approved · ${summary.denied} denied · ${summary.autoApproved} auto-approved`,
          `${formatDuration(summary.durationMs)} · ${tokens.toLocaleString("en-US")} tokens (${summary.usage.outputTokens.toLocaleString("en-US")} output)`,
        ].join("\n"),
      ),
    );
    if (summary.finalText) {
      const words = fitText(summary.finalText, 2_000);
      blocks.push(
        contextLine([
          { ours: `:speech_balloon: The model's last words${words.cut ? " (cut short)" : ""}:` },
        ]),
        outsideSection(words.text),
      );
    }
  }
  return { text: heading.replace(/\*/g, ""), blocks };
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
export function threadLine(pieces: Piece[]): { text: string; blocks: Block[] } {
  const text = pieces.map((p) => ("ours" in p ? p.ours : notificationText(p.outside))).join(" ");
  return {
    text: fitText(text, slackLimits.messageText).text,
    blocks: [contextLine(pieces)],
  };
}

/** "Step 3 done · Type 5 characters" and what is typed (plain text, cut to a line). */
export function stepPieces(step: number, action: ComputerAction, state?: string): Piece[] {
  const description = describeAction(action);
  const pieces: Piece[] = [
    { ours: `Step ${step}${state ? ` ${state}` : ""} · ${description.title}` },
  ];
  if (description.typed !== undefined) {
    const shown = cutShownText(showText(description.typed), 300);
    pieces.push({ outside: shown.cut ? `${shown.text}…` : shown.text });
  }
  return pieces;
}
