/**
 * Text Slack delivers in slash commands and messages is escaped and marked up: `&`, `<`
 * and `>` arrive as `&amp;`, `&lt;`, `&gt;`, mentions as `<@U123|name>`, channels as
 * `<#C123|name>`, links as `<https://…|label>`, and `<!here>`-style specials.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 * This is that text as the person typed it, for the model. (Modal input values arrive as
 * typed and are not passed through here.)
 */
export function readSlackText(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_match, inner: string) => readToken(inner))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function readToken(inner: string): string {
  const [target = "", label] = splitLabel(inner);
  if (target.startsWith("@")) return `@${label ?? target.slice(1)}`;
  if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
  if (target.startsWith("!")) {
    const special = target.slice(1);
    if (special.startsWith("date^")) return label ?? special;
    if (special.startsWith("subteam^")) return label ?? `@${special.slice("subteam^".length)}`;
    return `@${special}`;
  }
  // A link Slack made of a typed address shows the address; a labelled link keeps both.
  if (!label) return target.replace(/^mailto:/, "");
  const bare = target.replace(/^(https?:\/\/|mailto:)/, "");
  return label === bare || label === target ? label : `${label} (${target})`;
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf("|");
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}
