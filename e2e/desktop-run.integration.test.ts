import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisStreamAuditLog } from "@deskgate/audit";
import { connectRedis, type Redis } from "@deskgate/redis";
import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { type AppProcess, waitFor } from "@deskgate/test-support/app-process";
import {
  type FakeAnthropic,
  startFakeAnthropic,
  turns,
} from "@deskgate/test-support/fake-anthropic";
import {
  blockAction,
  FakeSlack,
  type PostedMessage,
  slashCommand,
  viewSubmission,
} from "@deskgate/test-support/fake-slack";
import {
  type PreparedTypingTarget,
  pointerLocation,
  prepareTypingTarget,
} from "@deskgate/test-support/x-probe";
import { freeDisplayNumber } from "@deskgate/test-support/xvfb-display";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botProcess, desktopScriptProcess } from "./app-processes.ts";

const apiKey = "sk-ant-e2e-secret-key-0123456789";
const typed = "hello from deskgate";

let redis: PrivateRedis;
let slack: FakeSlack;
let model: FakeAnthropic;
let bot: AppProcess;
let desktop: AppProcess;
let terminal: PreparedTypingTarget | undefined;
let client: Redis;
let dataDir: string;
const display = `:${freeDisplayNumber()}`;

function baseEnv(): NodeJS.ProcessEnv {
  // Only what a deployment would pass: no developer variables leak into the apps.
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    LOG_LEVEL: "debug",
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "deskgate-e2e-"));
  redis = await startPrivateRedis();
  client = connectRedis(redis.url);
  slack = await new FakeSlack().start();
  terminal = prepareTypingTarget(display, { geometry: "100x10+0+0" });
  model = await startFakeAnthropic({
    apiKey,
    script: [
      turns.action({ action: "screenshot" }, "Let me look at the screen first."),
      turns.action({ action: "key", text: "ctrl+alt+t" }, "I'll open a terminal."),
      turns.action(
        { action: "left_click", coordinate: [200, 60] },
        "I'll click into the terminal.",
      ),
      turns.action({ action: "type", text: typed }, "Typing the greeting."),
      turns.action({ action: "type", text: "rm -rf ~/Documents" }, "Cleaning up."),
      turns.action({ action: "key", text: "Return" }, "Submitting the line."),
      turns.done("The greeting is in the terminal."),
    ],
  });
  bot = botProcess({
    redisUrl: redis.url,
    slack,
    logLevel: "debug",
    env: { DATA_DIR: dataDir },
  }).start();
  desktop = desktopScriptProcess({
    ...baseEnv(),
    DISPLAY: display,
    SCREEN_SIZE: "1280x800",
    // The desktop's own key binding opens this terminal, so the test can read what it got.
    TERMINAL_COMMAND: terminal.launcher,
    ANTHROPIC_API_KEY: apiKey,
    ANTHROPIC_BASE_URL: model.baseURL,
    WORKER_NAME: "desk-e2e",
    WORKER_HEALTH_PORT: "0",
  }).start();
  await bot.waitForLine(/"msg":"bot ready"/, 30_000);
  await desktop.waitForLine(/"msg":"worker ready"/, 30_000);
}, 90_000);

afterAll(async () => {
  await terminal?.close();
  await desktop?.stop();
  await bot?.stop();
  client?.disconnect();
  await model?.close();
  await slack?.close();
  await redis?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const textOf = (m: PostedMessage) => `${m.text ?? ""} ${JSON.stringify(m.blocks ?? [])}`;
const openCards = () =>
  [...slack.webApi.messages.values()].filter((m) =>
    JSON.stringify(m.blocks ?? []).includes('"approval.approve"'),
  );
const approvalIdOf = (card: PostedMessage) =>
  (/"value":"(apr_[^"]+)"/.exec(JSON.stringify(card.blocks)) ?? [])[1]!;

async function nextCard(seen: Set<string>): Promise<PostedMessage> {
  const card = await waitFor(() => openCards().find((c) => !seen.has(c.ts)), {
    timeoutMs: 20_000,
    what: "the next approval card",
  });
  seen.add(card.ts);
  return card;
}

describe("the whole loop, as separate processes", () => {
  it("runs a task from /agent start to the summary, acting only on approved actions", async () => {
    await slack.waitForSocket();
    await slack.send({
      type: "slash_commands",
      payload: slashCommand("start greet from the terminal", { userId: "U0ALICE" }),
    });
    const seen = new Set<string>();
    const approve = (card: PostedMessage) =>
      slack.send({
        type: "interactive",
        payload: blockAction({
          actionId: "approval.approve",
          value: approvalIdOf(card),
          userId: "U0BOB",
          messageTs: card.ts,
        }),
      });

    // The model opens a terminal with the desktop's key; nothing opens before the approval.
    const openCard = await nextCard(seen);
    expect(textOf(openCard)).toContain("Press Ctrl+Alt+T");
    expect(terminal!.received()).toBe("");
    await approve(openCard);
    await terminal!.opened(30_000).catch((err: Error) => {
      throw new Error(
        `${err.message}\ndesktop log:\n${desktop.lines.slice(-25).join("\n")}\nbot log:\n${bot.lines.slice(-10).join("\n")}`,
      );
    });

    const clickCard = await nextCard(seen);
    expect(textOf(clickCard)).toContain("Left click at (200, 60)");
    expect(textOf(clickCard)).toContain("I'll click into the terminal.");
    await approve(clickCard);
    await waitFor(
      async () => {
        const p = await pointerLocation(display);
        return p.x === 200 && p.y === 60;
      },
      { what: "the pointer at the approved click" },
    );

    await approve(await nextCard(seen));
    const denyCard = await nextCard(seen);
    expect(textOf(denyCard)).toContain("rm -rf ~/Documents");
    await slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.deny_reason",
        userId: "U0BOB",
        privateMetadata: approvalIdOf(denyCard),
        values: { reason: { value: "never delete files" } },
      }),
    });
    await approve(await nextCard(seen));

    const runId = (/run_[A-Za-z0-9]+/.exec(textOf(clickCard)) ?? [])[0]!;
    await waitFor(
      () => [...slack.webApi.messages.values()].find((m) => textOf(m).includes("Run finished")),
      { timeoutMs: 20_000, what: "the summary" },
    );
    // The summary and the root message's update are separate Slack calls: wait for both.
    await waitFor(
      () =>
        [...slack.webApi.messages.values()].find(
          (m) =>
            !m.threadTs &&
            textOf(m).includes("greet from the terminal") &&
            textOf(m).includes("finished"),
        ),
      { timeoutMs: 20_000, what: "the root message updated to finished" },
    );

    // The desktop: the approved text and Return arrived; the denied text never did.
    expect(terminal!.received()).toBe(`${typed}\r`);
    // The model: the denial's reason came back as an error tool_result.
    const afterDenial = model.requests[5]!.body.messages.at(-1)!.content as Array<
      Record<string, unknown>
    >;
    expect(afterDenial[0]).toMatchObject({ type: "tool_result", is_error: true });
    expect(JSON.stringify(afterDenial[0]!.content)).toContain(
      "The user denied this action: never delete files",
    );
    expect(model.requests[0]!.headers["anthropic-beta"]).toBe("computer-use-2025-11-24");
    // The desktop script told the model how to open a terminal there.
    expect(JSON.stringify(model.requests[0]!.body.system)).toContain(
      "About this desktop: Ctrl+Alt+T opens a terminal.",
    );

    // The thread: root, upload + card per request, every decision, auto-approved line, summary.
    const messages = [...slack.webApi.messages.values()];
    const root = messages.find(
      (m) => !m.threadTs && textOf(m).includes("greet from the terminal"),
    )!;
    const thread = messages.filter((m) => m.threadTs === root.ts);
    const cards = thread.filter((m) => textOf(m).includes("Step "));
    expect(thread.filter((m) => /Approved by <@U0BOB>/.test(textOf(m)))).toHaveLength(4);
    expect(
      thread.filter((m) => /Denied by <@U0BOB>.*never delete files/.test(textOf(m))),
    ).toHaveLength(1);
    // Auto-approved lines are shown above the next card (or the summary).
    expect(
      thread.some((m) => /Step 1 · Take a screenshot[^·]{0,40}· auto-approved/.test(textOf(m))),
    ).toBe(true);
    expect(cards.length).toBeGreaterThanOrEqual(6);
    expect(textOf(root)).toContain("finished");
    expect(
      [...slack.webApi.files.values()].filter(
        (f) => f.threadTs === root.ts && f.bytes.length > 1000,
      ),
    ).toHaveLength(5);

    // The audit stream matches what happened.
    const audit = (await new RedisStreamAuditLog({ redis: client }).read(runId)).map(
      (r) => r.event,
    );
    const types = audit.map((e) => e.type);
    expect(types.filter((t) => t === "approval.requested")).toHaveLength(5);
    expect(types.filter((t) => t === "approval.granted")).toHaveLength(4);
    expect(types.filter((t) => t === "approval.denied")).toHaveLength(1);
    expect(
      audit
        .filter((e) => e.type === "action.executed")
        .map((e) => (e.type === "action.executed" ? e.action.action : "")),
    ).toEqual(["screenshot", "key", "left_click", "type", "key"]);
    expect(types.at(-1)).toBe("run.finished");

    // Health and metrics of both apps.
    const portOf = (app: AppProcess, ready: string) =>
      (new RegExp(`"healthPort":(\\d+)[^\\n]*"msg":"${ready}"`).exec(app.output()) ?? [])[1]!;
    const botPort = portOf(bot, "bot ready");
    const workerPort = portOf(desktop, "worker ready");
    expect((await fetch(`http://127.0.0.1:${botPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/healthz`)).status).toBe(200);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
    // Four actions a person approved, the screenshot the policy let through, one denial.
    expect(workerMetrics).toMatch(/deskgate_actions_total\{outcome="executed",app="worker"\} 4/);
    expect(workerMetrics).toMatch(
      /deskgate_actions_total\{outcome="auto_approved",app="worker"\} 1/,
    );
    expect(workerMetrics).toMatch(/deskgate_actions_total\{outcome="denied",app="worker"\} 1/);
    const botMetrics = await (await fetch(`http://127.0.0.1:${botPort}/metrics`)).text();
    expect(botMetrics).toMatch(/deskgate_decision_latency_seconds_count\{app="bot"\} 5/);
    expect(botMetrics).toMatch(/deskgate_runs_active\{app="bot"\} 0/);

    // Secrets: no token or key in any line either app logged (at debug level).
    const logs = `${bot.output()}\n${desktop.output()}`;
    for (const secret of [slack.botToken, slack.appToken, apiKey])
      expect(logs).not.toContain(secret);
    // The worker process holds no Slack credential.
    const workerPid = (/"pid":(\d+)[^\n]*"msg":"worker ready"/.exec(desktop.output()) ?? [])[1]!;
    const environ = readFileSync(`/proc/${workerPid}/environ`, "utf8");
    expect(environ).not.toMatch(/SLACK_/);
    expect(environ).toContain("ANTHROPIC_API_KEY=");
  }, 90_000);
});
