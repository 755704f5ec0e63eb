import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { AppProcess, waitFor } from "@deskgate/test-support/app-process";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./app-processes.ts";

const run = promisify(execFile);
const profile = mkdtempSync(join(tmpdir(), "deskgate-chromium-"));
let demo: AppProcess | undefined;
let browser: BrowserContext | undefined;

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(profile, { recursive: true, force: true });
});

/** Debian's Chromium, headless, with nothing that reaches beyond this machine. */
function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

async function xtermOpen(display: string): Promise<boolean> {
  return run("xdotool", ["search", "--onlyvisible", "--class", "xterm"], {
    env: { ...process.env, DISPLAY: display },
  }).then(
    () => true,
    () => false,
  );
}

describe("npm run demo", () => {
  it("shows the run in a browser page where Approve and a modal's Deny reach the real bot and worker", async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
    };
    demo = new AppProcess({
      command: process.execPath,
      args: ["--import", "tsx", "scripts/demo/demo.ts"],
      cwd: repoRoot,
      label: "demo",
      // No DISPLAY and no ANTHROPIC_API_KEY: its own desktop and the scripted model.
      env: { ...env, DEMO_PORT: "0" },
    }).start();
    const ready = await demo.waitForLine(/deskgate demo ready: open (http:\S+)/, 60_000);
    const url = /open (http:\S+)/.exec(ready)![1]!;
    const display = /display (:\d+)/.exec(await demo.waitForLine(/desktop: display :\d+/))![1]!;

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(url);
    expect(await page.locator(".banner").textContent()).toMatch(/DEMO[\s\S]*scripted/);

    await page.getByRole("button", { name: "Send" }).click();
    const firstCard = page.locator(".message", { hasText: "Press Ctrl+Alt+T" });
    await firstCard
      .getByRole("button", { name: "Approve", exact: true })
      .waitFor({ timeout: 30_000 });
    expect(await xtermOpen(display)).toBe(false);

    await firstCard.getByRole("button", { name: "Approve", exact: true }).click();
    await waitFor(() => xtermOpen(display), { timeoutMs: 20_000, what: "the terminal to open" });
    await page
      .getByText(/Approved by @U0DEMO/)
      .first()
      .waitFor({ timeout: 10_000 });

    const typeCard = page.locator(".message", {
      hasText: "echo hello from deskgate; date",
    });
    await typeCard.getByRole("button", { name: "Deny with reason…" }).click({ timeout: 30_000 });
    const modal = page.locator("#modal-layer.open form");
    await modal.locator("textarea").fill("not today");
    await modal.getByRole("button", { name: "Deny", exact: true }).click();
    await page
      .getByText(/Denied by @U0DEMO.*not today/)
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await page.locator("#modal-layer.open").count()).toBe(0);

    // The operators' queue view of the same run, with the password the demo printed.
    const queueLine = await demo.waitForLine(/queue view: (http:\S+) .*password (\w+)/);
    const [, queueUrl, password] = /queue view: (http:\S+) .*password (\w+)/.exec(queueLine)!;
    const queues = await fetch(`${queueUrl}/api/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${password}`).toString("base64")}` },
    });
    expect(
      ((await queues.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name),
    ).toEqual(expect.arrayContaining(["run-events", "runs.demo-desktop"]));

    await browser.close();
    browser = undefined;
    const stopping = Date.now();
    // As Ctrl-C does: the signal reaches the demo's whole process group.
    await demo.stop(30_000);
    expect(demo.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(8_000);
    expect(await xtermOpen(display)).toBe(false);
  }, 120_000);
});
