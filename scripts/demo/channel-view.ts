import type { FakeSlack, PostedMessage, UploadedFile } from "@deskgate/test-support/fake-slack";
import { escapeHtml, renderBlocks, slackTextToHtml } from "./render-blocks.ts";

/** A view the bot opened with views.open, keyed by that call's position. */
export interface OpenedView {
  key: number;
  view: Record<string, unknown>;
}

type Item =
  | { kind: "message"; order: number; message: PostedMessage }
  | { kind: "file"; order: number; file: UploadedFile }
  | { kind: "ephemeral"; order: number; text: string; blocks: unknown[] };

const fileUrl = (fileId: string) => `/files/${encodeURIComponent(fileId)}`;

function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * The channel as Slack would show it, read from the fake's public record: root messages in
 * the order they were posted, each with its thread (replies and uploaded screenshots in
 * order), and the ephemeral answers only the demo's user sees.
 */
export function renderChannel(slack: FakeSlack, channelId: string): string {
  const { webApi } = slack;
  const messages = [...webApi.messages.values()].filter((m) => m.channel === channelId);
  const roots: Item[] = messages
    .filter((m) => !m.threadTs)
    .map((message) => ({ kind: "message", order: message.postedByCall, message }));
  const ephemerals: Item[] = webApi.calls.flatMap((call, order) =>
    call.method === "chat.postEphemeral" && call.args.channel === channelId
      ? [
          {
            kind: "ephemeral",
            order,
            text: String(call.args.text ?? ""),
            blocks: call.blocks ?? [],
          },
        ]
      : [],
  );
  const timeline = [...roots, ...ephemerals].sort((a, b) => a.order - b.order);
  if (timeline.length === 0)
    return '<p class="empty">No messages yet. Start a run with the box below.</p>';
  return timeline
    .map((item) => {
      if (item.kind !== "message") return renderItem(item);
      const thread: Item[] = [
        ...messages
          .filter((m) => m.threadTs === item.message.ts)
          .map((message): Item => ({ kind: "message", order: message.postedByCall, message })),
        ...[...webApi.files.values()]
          .filter((f) => f.threadTs === item.message.ts && f.sharedByCall !== undefined)
          .map((file): Item => ({ kind: "file", order: file.sharedByCall!, file })),
      ].sort((a, b) => a.order - b.order);
      return `<article class="root">${renderItem(item)}${thread.length ? `<div class="thread">${thread.map(renderItem).join("")}</div>` : ""}</article>`;
    })
    .join("");
}

function renderItem(item: Item): string {
  switch (item.kind) {
    case "message": {
      const { message } = item;
      const body = message.blocks?.length
        ? renderBlocks(message.blocks, { messageTs: message.ts, fileUrl })
        : `<div class="section">${slackTextToHtml(message.text ?? "")}</div>`;
      const edited = message.updates > 0 ? ' <span class="edited">(edited)</span>' : "";
      return `<div class="message" data-ts="${escapeHtml(message.ts)}"><div class="author">deskgate${edited}</div>${body}</div>`;
    }
    case "file":
      return `<div class="message file"><div class="author">deskgate uploaded ${escapeHtml(item.file.title ?? item.file.filename)}</div><img class="image" src="${fileUrl(item.file.fileId)}" alt="${escapeHtml(item.file.filename)}"></div>`;
    case "ephemeral": {
      const body = item.blocks.length
        ? renderBlocks(item.blocks, { fileUrl })
        : `<div class="section">${slackTextToHtml(item.text)}</div>`;
      return `<div class="message ephemeral"><div class="author">deskgate · only visible to you</div>${body}</div>`;
    }
  }
}

/** The newest view opened with views.open and not yet submitted or closed. */
export function openView(slack: FakeSlack, closed: ReadonlySet<number>): OpenedView | undefined {
  const opened = slack.webApi.calls.flatMap((call, key) =>
    call.method === "views.open" ? [{ key, view: parsed(call.args.view) }] : [],
  );
  const latest = opened.filter((entry) => !closed.has(entry.key)).at(-1);
  return latest && typeof latest.view === "object" && latest.view !== null
    ? { key: latest.key, view: latest.view as Record<string, unknown> }
    : undefined;
}

export function renderView(opened: OpenedView, errors: Record<string, string> = {}): string {
  const view = opened.view;
  const title = (view.title as { text?: string } | undefined)?.text ?? "";
  const submit = (view.submit as { text?: string } | undefined)?.text ?? "Submit";
  const close = (view.close as { text?: string } | undefined)?.text ?? "Cancel";
  const problems = Object.entries(errors)
    .map(([block, error]) => `<p class="error">${escapeHtml(block)}: ${slackTextToHtml(error)}</p>`)
    .join("");
  return `<form class="modal" data-view-key="${opened.key}"><h3>${slackTextToHtml(title)}</h3>${renderBlocks((view.blocks ?? []) as unknown[], { fileUrl })}${problems}<div class="modal-buttons"><button type="button" class="button" data-close-view>${slackTextToHtml(close)}</button><button type="submit" class="button primary">${slackTextToHtml(submit)}</button></div></form>`;
}
