/**
 * Text going to Slack. deskgate writes its own words in mrkdwn (bold, its `<@U…>` and
 * `<!date…>` tokens stay live); any text that came from elsewhere — the model, a web page
 * it read, an approver's reason, an error message — goes as `plain_text` (no mentions, no
 * links, no formatting, no emoji codes), or, inside mrkdwn, escaped so it cannot become
 * markup. https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export interface PlainText {
  type: "plain_text";
  text: string;
  emoji: false;
}

export function plainText(text: string): PlainText {
  return { type: "plain_text", text, emoji: false };
}

/** `&`, `<`, `>` as entities: the text shows as typed and cannot mention or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Outside text inside a message's notification `text` (what a phone shows): escaped, and
 * mrkdwn's formatting characters replaced by look-alikes, so it can neither ping nor
 * format there.
 */
export function notificationText(text: string): string {
  return escapeMrkdwn(text).replace(
    /[*_~`]/g,
    (c) => ({ "*": "∗", _: "‗", "~": "∼", "`": "ˋ" })[c]!,
  );
}
