import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { createQueue, listQueueNames, type Queue } from "@deskgate/queue";
import type { Redis } from "@deskgate/redis";
import express from "express";

export interface QueueViewOptions {
  connection: Redis;
  /** Operators give it as the password of HTTP Basic auth (any user name), or as a Bearer token. */
  token: string;
  /** Where it is mounted, e.g. "/queues". */
  basePath: string;
}

export interface QueueView {
  handle: RequestListener;
  close(): Promise<void>;
}

/**
 * bull-board over every deskgate queue, read-only and behind a token. Read-only on purpose:
 * retrying, promoting or removing a run's job by hand would wake or drop a run parked on
 * an approval behind the gate's back; operators look here, and act through `/agent`.
 */
export function createQueueView(options: QueueViewOptions): QueueView {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(options.basePath);
  const board = createBullBoard({ queues: [], serverAdapter });
  const queues = new Map<string, Queue>();
  const refresh = async () => {
    for (const name of await listQueueNames(options.connection)) {
      if (queues.has(name)) continue;
      const queue = createQueue(name, options.connection);
      queues.set(name, queue);
      board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true }));
    }
  };
  const app = express();
  app.disable("x-powered-by");
  app.use(options.basePath, (request, response, next) => {
    if (!authorized(request, options.token)) {
      response
        .status(401)
        .set("www-authenticate", 'Basic realm="deskgate queues", charset="UTF-8"')
        .send("a token is needed (QUEUE_VIEW_TOKEN)");
      return;
    }
    refresh().then(() => next(), next);
  });
  app.use(options.basePath, serverAdapter.getRouter());
  return {
    handle: (request: IncomingMessage, response: ServerResponse) => app(request, response),
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

function authorized(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const basic = /^Basic (.+)$/i.exec(header)?.[1];
  const given = basic
    ? Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":")
    : /^Bearer (.+)$/i.exec(header)?.[1];
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}
