import { createServer, type IncomingMessage } from "node:http";

export interface LoopbackReply {
  status: number;
  json?: unknown;
}

export interface LoopbackServer {
  port: number;
  stop(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port that hands each request's whole body to `handle`. */
export async function startLoopbackServer(
  handle: (request: IncomingMessage, body: string) => LoopbackReply,
): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = handle(request, Buffer.concat(chunks).toString("utf8"));
      if (reply.json === undefined) {
        response.writeHead(reply.status);
        response.end();
        return;
      }
      response.writeHead(reply.status, { "content-type": "application/json" });
      response.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
