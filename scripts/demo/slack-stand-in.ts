import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  blockAction,
  type FakeSlack,
  slashCommand,
  viewSubmission,
} from "@deskgate/test-support/fake-slack";
import { z } from "zod";
import { openView, renderChannel, renderView } from "./channel-view.ts";
import { type DemoPageInfo, demoPage } from "./demo-page.ts";

export interface SlackStandIn {
  url: string;
  close(): Promise<void>;
}

const commandBody = z.object({ text: z.string().max(4_000) });
const actionBody = z.object({
  ts: z.string(),
  actionId: z.string(),
  value: z.string().default(""),
});
const submitBody = z.object({
  key: z.number().int(),
  values: z.record(z.string(), z.string()),
});
const closeBody = z.object({ key: z.number().int() });

/**
 * The demo's Slack: a page showing the channel and its cards, whose buttons, modals and
 * composer reach the bot exactly as Slack's would — as Socket Mode envelopes sent through
 * the fake Slack, built with its payload builders. Bound to 127.0.0.1 only.
 */
export async function startSlackStandIn(options: {
  slack: FakeSlack;
  channelId: string;
  userId: string;
  port: number;
  page: DemoPageInfo;
}): Promise<SlackStandIn> {
  const { slack, channelId, userId } = options;
  const closedViews = new Set<number>();
  const viewErrors = new Map<number, Record<string, string>>();

  const routes: Record<string, (body: unknown) => Promise<unknown>> = {
    "POST /api/command": async (body) => {
      const { text } = commandBody.parse(body);
      const words = text
        .trim()
        .replace(/^\/agent\b/, "")
        .trim();
      await slack.send({
        type: "slash_commands",
        payload: slashCommand(words, { userId, channelId }),
      });
      return { ok: true };
    },
    "POST /api/action": async (body) => {
      const { ts, actionId, value } = actionBody.parse(body);
      const message = slack.webApi.messages.get(ts);
      if (!message) throw new Error(`no message ${ts}`);
      await slack.send({
        type: "interactive",
        payload: blockAction({
          actionId,
          value,
          userId,
          channelId,
          messageTs: ts,
          ...(message.threadTs ? { threadTs: message.threadTs } : {}),
        }),
      });
      return { ok: true };
    },
    "POST /api/submit": async (body) => {
      const { key, values } = submitBody.parse(body);
      const opened = openView(slack, closedViews);
      if (!opened || opened.key !== key) throw new Error("that dialog is no longer open");
      const grouped: Record<string, Record<string, string>> = {};
      for (const [name, value] of Object.entries(values)) {
        const [blockId = "", actionId = ""] = name.split("/");
        grouped[blockId] = { ...grouped[blockId], [actionId]: value };
      }
      const ack = (await slack.send({
        type: "interactive",
        payload: viewSubmission({
          callbackId: String(opened.view.callback_id ?? ""),
          userId,
          privateMetadata: String(opened.view.private_metadata ?? ""),
          values: grouped,
        }),
      })) as { response_action?: string; errors?: Record<string, string> } | undefined;
      if (ack?.response_action === "errors" && ack.errors) {
        viewErrors.set(key, ack.errors);
        return { ok: false, errors: ack.errors };
      }
      closedViews.add(key);
      return { ok: true };
    },
    "POST /api/close": async (body) => {
      closedViews.add(closeBody.parse(body).key);
      return { ok: true };
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((err: unknown) => {
      sendJson(response, 400, {
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://demo");
    if (request.method === "GET" && url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(demoPage(options.page));
      return;
    }
    if (request.method === "GET" && url.pathname === "/api/channel") {
      const opened = openView(slack, closedViews);
      sendJson(response, 200, {
        channel: renderChannel(slack, channelId),
        modal: opened
          ? { key: opened.key, html: renderView(opened, viewErrors.get(opened.key)) }
          : null,
      });
      return;
    }
    const file = /^\/files\/(F[0-9A-F]+)$/.exec(url.pathname);
    if (request.method === "GET" && file) {
      const bytes = slack.webApi.files.get(file[1]!)?.bytes;
      if (!bytes) return void response.writeHead(404).end();
      const type = bytes[0] === 0xff && bytes[1] === 0xd8 ? "image/jpeg" : "image/png";
      response.writeHead(200, { "content-type": type }).end(bytes);
      return;
    }
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) return void response.writeHead(404).end();
    const body = JSON.parse((await readBody(request)) || "{}") as unknown;
    sendJson(response, 200, await route(body));
  }

  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(payload));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
