import { type PlainText, plainText } from "../slack-text/to-slack.ts";
import { fitText, slackLimits } from "./fit-to-slack.ts";

export type Block = Record<string, unknown>;

/**
 * One part of a line: deskgate's own words (mrkdwn, its mentions and dates live), or
 * outside text (plain text: cannot mention, link or format).
 */
export type Piece = { ours: string } | { outside: string };

const element = (piece: Piece) =>
  "ours" in piece
    ? { type: "mrkdwn", text: fitText(piece.ours, slackLimits.contextText).text }
    : plainText(fitText(piece.outside, slackLimits.contextText).text || " ");

/** A context block of pieces (at most 10 elements, each within its limit). */
export function contextLine(pieces: Piece[], blockId?: string): Block {
  const elements = pieces.filter((p) => ("ours" in p ? p.ours : p.outside).length > 0);
  const kept =
    elements.length > slackLimits.contextElements
      ? [...elements.slice(0, slackLimits.contextElements - 1), { ours: "…" }]
      : elements;
  return {
    type: "context",
    ...(blockId ? { block_id: blockId } : {}),
    elements: kept.map(element),
  };
}

/** A section of deskgate's own mrkdwn. */
export function oursSection(text: string): Block {
  return {
    type: "section",
    text: { type: "mrkdwn", text: fitText(text, slackLimits.sectionText).text },
  };
}

/** A section of outside text, shown as typed, never as markup. */
export function outsideSection(text: string, limit: number = slackLimits.sectionText): Block {
  return { type: "section", text: plainText(fitText(text, limit).text || " ") };
}

export function plain(text: string, limit: number): PlainText {
  return plainText(fitText(text, limit).text);
}
