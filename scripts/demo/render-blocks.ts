/**
 * Block Kit → HTML for the demo's Slack stand-in: every block the bot may post or open
 * (header, section, context, actions, divider, image, input, rich_text) rendered plainly,
 * mrkdwn shown as text. Anything else is shown as its JSON, so nothing the bot sends is
 * hidden. Pure; every string from a block is escaped.
 */
type Json = Record<string, unknown>;

export interface RenderContext {
  /** The message the blocks belong to (buttons carry it back), or undefined in a modal. */
  messageTs?: string;
  /** URL for an image held as a Slack file. */
  fileUrl: (fileId: string) => string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The emoji the bot's messages use, so the page reads like Slack; others stay `:name:`. */
const emoji: Record<string, string> = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  x: "❌",
  no_entry: "⛔",
  raised_hand: "✋",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  alarm_clock: "⏰",
  warning: "⚠️",
  gear: "⚙️",
  black_square_for_stop: "⏹️",
  checkered_flag: "🏁",
  speech_balloon: "💬",
  pencil2: "✏️",
  page_facing_up: "📄",
};

/**
 * Slack text as a person reads it: `<@U1>` → @U1, `<!here>` → @here, `<url|label>` → label,
 * `<!date^…|fallback>` → its time, `:emoji:` → the emoji, then Slack's own escaping
 * (&amp; &lt; &gt;) undone; finally escaped for HTML.
 */
export function slackTextToHtml(text: string): string {
  const readable = text
    .replace(/<!date\^(\d+)\^[^|>]*(?:\|([^>]*))?>/g, (_, seconds: string) =>
      new Date(Number(seconds) * 1000).toLocaleString("en-GB", { timeZone: "UTC" }).concat(" UTC"),
    )
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => emoji[name] ?? whole)
    .replace(
      /<([@#])([A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_, sigil: string, id: string, label?: string) =>
        label ? `${sigil}${label}` : `${sigil}${id}`,
    )
    .replace(/<!(\w+)(?:\|([^>]*))?>/g, (_, name: string, label?: string) => label ?? `@${name}`)
    .replace(/<([^>|]+)\|([^>]+)>/g, (_, url: string, label: string) => `${label} (${url})`)
    .replace(/<([^>]+)>/g, (_, url: string) => url)
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
  // mrkdwn's bold and code, as Slack draws them (on the escaped text, so no HTML slips in).
  return escapeHtml(readable)
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, "$1<b>$2</b>");
}

/** A text object as Slack shows it: mrkdwn read as markup, plain_text exactly as written. */
function textOf(value: unknown): string {
  if (typeof value === "string") return slackTextToHtml(value);
  const object = value as Json | undefined;
  if (typeof object?.text !== "string") return "";
  return object.type === "plain_text" ? escapeHtml(object.text) : slackTextToHtml(object.text);
}

function attribute(name: string, value: unknown): string {
  return value === undefined ? "" : ` ${name}="${escapeHtml(String(value))}"`;
}

function imageUrl(element: Json, context: RenderContext): string | undefined {
  if (typeof element.image_url === "string") return element.image_url;
  const file = element.slack_file as Json | undefined;
  if (typeof file?.id === "string") return context.fileUrl(file.id);
  return typeof file?.url === "string" ? file.url : undefined;
}

function renderElement(element: Json, blockId: unknown, context: RenderContext): string {
  switch (element.type) {
    case "button": {
      if (typeof element.url === "string")
        return `<a class="button" target="_blank" rel="noreferrer"${attribute("href", element.url)}>${textOf(element.text)}</a>`;
      return `<button class="button ${escapeHtml(String(element.style ?? ""))}"${attribute("data-action-id", element.action_id)}${attribute("data-value", element.value)}${attribute("data-block-id", blockId)}${attribute("data-ts", context.messageTs)}>${textOf(element.text)}</button>`;
    }
    case "image": {
      const url = imageUrl(element, context);
      return url
        ? `<img class="thumb"${attribute("src", url)}${attribute("alt", element.alt_text)}>`
        : "";
    }
    case "mrkdwn":
    case "plain_text":
      return `<span>${textOf(element)}</span>`;
    default:
      return `<code>${escapeHtml(JSON.stringify(element))}</code>`;
  }
}

function renderInput(block: Json): string {
  const element = (block.element ?? {}) as Json;
  const name = `${String(block.block_id ?? "")}/${String(element.action_id ?? "")}`;
  const label = `<label>${textOf(block.label)}${block.optional ? " <small>(optional)</small>" : ""}</label>`;
  const placeholder = attribute("placeholder", (element.placeholder as Json | undefined)?.text);
  if (element.type === "plain_text_input") {
    const initial = typeof element.initial_value === "string" ? element.initial_value : "";
    const field = element.multiline
      ? `<textarea${attribute("name", name)}${placeholder}>${escapeHtml(initial)}</textarea>`
      : `<input type="text"${attribute("name", name)}${attribute("value", initial)}${placeholder}>`;
    return `<div class="input">${label}${field}${block.hint ? `<small>${textOf(block.hint)}</small>` : ""}</div>`;
  }
  if (element.type === "static_select") {
    const options = ((element.options ?? []) as Json[])
      .map((option) => `<option${attribute("value", option.value)}>${textOf(option.text)}</option>`)
      .join("");
    return `<div class="input">${label}<select${attribute("name", name)}>${options}</select></div>`;
  }
  return `<div class="input">${label}<code>${escapeHtml(JSON.stringify(element))}</code></div>`;
}

function renderRichText(block: Json): string {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const object = node as Json;
    if (typeof object.text === "string") texts.push(object.text);
    walk(object.elements);
  };
  walk(block.elements);
  return `<div class="section">${slackTextToHtml(texts.join(""))}</div>`;
}

export function renderBlock(block: Json, context: RenderContext): string {
  switch (block.type) {
    case "header":
      return `<h4>${textOf(block.text)}</h4>`;
    case "section": {
      const fields = ((block.fields ?? []) as Json[])
        .map((f) => `<div>${textOf(f)}</div>`)
        .join("");
      const accessory = block.accessory
        ? renderElement(block.accessory as Json, block.block_id, context)
        : "";
      return `<div class="section"><div>${textOf(block.text)}</div>${fields ? `<div class="fields">${fields}</div>` : ""}${accessory}</div>`;
    }
    case "context":
      return `<div class="context">${((block.elements ?? []) as Json[]).map((e) => renderElement(e, block.block_id, context)).join(" ")}</div>`;
    case "actions":
      return `<div class="actions">${((block.elements ?? []) as Json[]).map((e) => renderElement(e, block.block_id, context)).join("")}</div>`;
    case "divider":
      return "<hr>";
    case "image": {
      const url = imageUrl(block, context);
      const title = block.title ? `<div class="context">${textOf(block.title)}</div>` : "";
      return `${title}${url ? `<img class="image"${attribute("src", url)}${attribute("alt", block.alt_text)}>` : ""}`;
    }
    case "input":
      return renderInput(block);
    case "rich_text":
      return renderRichText(block);
    default:
      return `<pre class="unknown">${escapeHtml(JSON.stringify(block, null, 2))}</pre>`;
  }
}

export function renderBlocks(blocks: readonly unknown[], context: RenderContext): string {
  return blocks.map((block) => renderBlock(block as Json, context)).join("\n");
}
