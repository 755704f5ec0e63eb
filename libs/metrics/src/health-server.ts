import { createServer, type Server } from "node:http";
import type { Logger } from "@deskgate/core";
import type { Registry } from "prom-client";

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Each check returns undefined when healthy, or what is wrong. */
  checks: Record<string, () => Promise<string | undefined>>;
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
        const results = await runChecks(options.checks);
        const healthy = Object.values(results).every((r) => r === "ok");
        response.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
        response.end(JSON.stringify({ status: healthy ? "ok" : "unhealthy", checks: results }));
        return;
      }
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

async function runChecks(checks: HealthServerOptions["checks"]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, (await check()) ?? "ok"] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
