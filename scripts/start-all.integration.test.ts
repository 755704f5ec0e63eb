import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "..");
const tsxLoader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
const emptyDir = mkdtempSync(join(tmpdir(), "deskgate-start-"));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

describe("npm start", () => {
  it("with no environment lists every missing setting of both apps and exits 2", async () => {
    // A folder without .env, and an environment with nothing but PATH.
    const result = await run(
      process.execPath,
      ["--import", tsxLoader, join(repo, "scripts/start-all.ts")],
      {
        cwd: emptyDir,
        env: { PATH: process.env.PATH ?? "" },
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(result.code).toBe(2);
    for (const name of [
      "SLACK_BOT_TOKEN",
      "SLACK_APP_TOKEN",
      "SLACK_CHANNELS",
      "SLACK_APPROVERS",
      "ANTHROPIC_API_KEY",
      "DISPLAY",
    ]) {
      expect(result.stderr).toMatch(new RegExp(`- ${name}: `));
    }
    expect(result.stderr).toMatch(/see \.env\.example/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
