import { createServer, type RequestListener, type Server } from "node:http";
import { type Logger, settleWithin } from "@deskgate/core";
import type { Registry } from "prom-client";

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Each check returns undefined when healthy, or what is wrong. */
  checks: Record<string, () => Promise<string | undefined>>;
  /** A check that has not answered by then counts as failed (default 800 ms). */
  checkTimeoutMs?: number;
  /** More handlers on the same port, by path prefix (e.g. the queue view at "/queues"). */
  mounts?: Record<string, RequestListener>;
  logger: Logger;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** `/healthz`: 200 with every check ok, else 503 naming the failures. `/metrics`: Prometheus text. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.url === "/metrics") {
        response.writeHead(200, { "content-type": options.registry.contentType });
        response.end(await options.registry.metrics());
        return;
      }
      if (request.url === "/healthz") {
        const results = await runChecks(options.checks, options.checkTimeoutMs ?? 800);
        const healthy = Object.values(results).every((r) => r === "ok");
        response.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
        response.end(JSON.stringify({ status: healthy ? "ok" : "unhealthy", checks: results }));
        return;
      }
      const mount = Object.entries(options.mounts ?? {}).find(
        ([prefix]) => request.url === prefix || request.url?.startsWith(`${prefix}/`),
      );
      if (mount) return void mount[1](request, response);
      response.writeHead(404).end();
    })().catch((err: unknown) => {
      options.logger.error({ err }, "health endpoint failed");
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every check at once, each bounded: a probe must answer even when what it probes hangs. */
async function runChecks(
  checks: HealthServerOptions["checks"],
  timeoutMs: number,
): Promise<Record<string, string>> {
  const healthy = Symbol("healthy");
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const result = await settleWithin(
          check().then((problem) => problem ?? healthy),
          timeoutMs,
        );
        if (result === undefined) return [name, `no answer within ${timeoutMs} ms`] as const;
        return [name, result === healthy ? "ok" : result] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
