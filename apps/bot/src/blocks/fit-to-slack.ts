/**
 * Slack's published limits on what a message or modal may hold; past them Slack answers
 * `invalid_blocks` (or `msg_too_long`) and the message is not posted at all. Every text is
 * budgeted after it has been escaped and shown (`showText` makes text longer).
 * https://docs.slack.dev/reference/block-kit/blocks · …/block-elements · …/composition-objects
 * · https://docs.slack.dev/reference/views (modal title, private_metadata)
 */
export const slackLimits = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3_000,
  contextElements: 10,
  contextText: 3_000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2_000,
  actionElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
  inputLabel: 2_000,
  inputInitialValue: 3_000,
  /** chat.postMessage truncates `text` past 40,000; notifications need far less. */
  messageText: 3_000,
} as const;

export interface Fitted {
  text: string;
  /** Part of the text was left out to fit. */
  cut: boolean;
}

/** At most `limit` UTF-16 units (what Slack counts), with "…" where the rest was cut. */
export function fitText(text: string, limit: number): Fitted {
  if (text.length <= limit) return { text, cut: false };
  let end = limit - 1;
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  return { text: `${text.slice(0, end)}…`, cut: true };
}
