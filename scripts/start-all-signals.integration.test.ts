import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "@deskgate/redis/testing";
import { AppProcess, waitFor } from "@deskgate/test-support/app-process";
import { type FakeAnthropic, startFakeAnthropic } from "@deskgate/test-support/fake-anthropic";
import { FakeSlack } from "@deskgate/test-support/fake-slack";
import { startXvfb, type XvfbDisplay } from "@deskgate/test-support/xvfb-display";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "..");
let slack: FakeSlack;
let model: FakeAnthropic;
let display: XvfbDisplay;
let app: AppProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "deskgate-start-signals-"));
  slack = await new FakeSlack().start();
  model = await startFakeAnthropic({ script: [] });
  display = await startXvfb({ width: 1024, height: 768 });
});
afterAll(async () => {
  await app?.kill();
  await display?.stop();
  await model?.close();
  await slack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every process below `pid`, from /proc (pid → parent pid). */
function descendantsOf(pid: number): Map<number, string> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so read past its last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      commands.set(
        Number(entry),
        readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " "),
      );
    } catch {
      // exited meanwhile
    }
  }
  const found = new Map<number, string>();
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, of] of parents)
      if (of === parent && !found.has(child)) {
        found.set(child, commands.get(child) ?? "");
        queue.push(child);
      }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startNpm(): Promise<AppProcess> {
  const started = new AppProcess({
    command: "npm",
    args: ["start", "--silent"],
    cwd: repo,
    label: "npm start",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOCAL_REDIS_PORT: String(await freePort()),
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNELS: "C0RUNS",
      SLACK_APPROVERS: "U0BOB",
      BOT_HEALTH_PORT: "0",
      ANTHROPIC_API_KEY: "sk-ant-signals-test-0000",
      ANTHROPIC_BASE_URL: model.baseURL,
      DISPLAY: display.display,
      WORKER_HEALTH_PORT: "0",
      LOG_LEVEL: "info",
    },
  }).start();
  await started.waitForLine(/"msg":"bot ready"/, 60_000);
  await started.waitForLine(/"msg":"worker ready"/, 60_000);
  return started;
}

/** Sends the signal, then expects npm and every process below it gone, cleanly. */
async function expectAllStopped(started: AppProcess, signal: () => void): Promise<void> {
  const children = descendantsOf(started.pid!);
  const commands = [...children.values()].join("\n");
  expect(commands).toMatch(/apps\/bot\/src\/main\.ts/);
  expect(commands).toMatch(/apps\/worker\/src\/main\.ts/);
  expect(commands).toMatch(/redis-server/);
  signal();
  await waitFor(() => started.exited, { timeoutMs: 30_000, what: "npm to exit" });
  const left = await waitFor(
    () => {
      const running = [...children].filter(([pid]) => alive(pid));
      return running.length === 0 ? running : undefined;
    },
    { timeoutMs: 10_000, what: "every child of npm start to exit" },
  ).catch(() => [...children].filter(([pid]) => alive(pid)));
  expect(left.map(([pid, command]) => `${pid} ${command}`)).toEqual([]);
  expect(started.output()).toMatch(/"msg":"stopped"/);
  // Each app closed gracefully and exited 0: none was cut short by a second signal (130).
  const stops = started.lines.filter((line) => line.includes('"msg":"app stopped"'));
  expect(stops.map((line) => /"code":(\w+)/.exec(line)?.[1])).toEqual(["0", "0"]);
}

describe("npm start", () => {
  it("stops the bot, the worker and its private redis-server on a SIGTERM to npm alone", async () => {
    // As from `kill`, systemd or a container runtime: only npm gets the signal.
    app = await startNpm();
    const npmPid = app.pid!;
    await expectAllStopped(app, () => process.kill(npmPid, "SIGTERM"));
  }, 120_000);

  it("stops them all on a Ctrl-C, which signals npm's whole process group", async () => {
    app = await startNpm();
    const group = app.pid!;
    await expectAllStopped(app, () => process.kill(-group, "SIGINT"));
  }, 120_000);
});
