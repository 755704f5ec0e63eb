import { resolve } from "node:path";
import { AppProcess } from "@deskgate/test-support/app-process";

const repo = resolve(import.meta.dirname, "../..");

/**
 * `processes` worker processes (`bench/support/scale-workers.ts`) on one Redis, the
 * desktops split between them in order; `env` adds to what each one reads (ACTIONS,
 * POLICY, ACTION_MS…). Started; each prints "desktops ready" once its desktops are up.
 */
export function startWorkerProcesses(options: {
  redisUrl: string;
  screenshot: string;
  desktops: readonly string[];
  processes: number;
  env?: Record<string, string>;
}): AppProcess[] {
  const perProcess = Math.ceil(options.desktops.length / options.processes);
  return Array.from({ length: options.processes }, (_, p) =>
    new AppProcess({
      command: process.execPath,
      args: ["--import", "tsx", "bench/support/scale-workers.ts"],
      cwd: repo,
      label: `workers-${p}`,
      env: {
        PATH: process.env.PATH ?? "",
        REDIS_URL: options.redisUrl,
        SCREENSHOT: options.screenshot,
        DESKTOPS: options.desktops.slice(p * perProcess, (p + 1) * perProcess).join(","),
        ...options.env,
      },
    }).start(),
  );
}
