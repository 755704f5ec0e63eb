import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { copies, type Instruction, readDockerfile } from "./dockerfile.ts";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Does what a stage's plain COPY lines do, from this checkout into `root`. */
function copyAsDockerWould(stage: Instruction[], root: string): void {
  for (const { sources, destination } of copies(stage))
    for (const source of sources) {
      const target = destination.endsWith("/")
        ? join(root, destination, basename(source))
        : join(root, destination);
      cpSync(join(repo, source), target, {
        recursive: true,
        filter: (path) => !path.includes("node_modules"),
      });
    }
}

/**
 * Each image's install, without Docker (no engine runs here): the dependency stage's COPY
 * and `npm ci` line as written, then the final stage's COPY lines, then the app's entry
 * point started with an empty environment. Reaching the configuration check (exit 2) means
 * every module the app imports resolved from that install alone.
 */
describe.each([
  {
    file: "bot.Dockerfile",
    main: "apps/bot/src/main.ts",
    absent: ["@anthropic-ai/sdk", "sharp", "@nut-tree-fork/nut-js"],
  },
  {
    file: "desktop.Dockerfile",
    main: "apps/worker/src/main.ts",
    absent: ["@slack/bolt", "@bull-board/api", "express"],
  },
])("the image of infra/docker/$file", ({ file, main, absent }) => {
  it("installs what its app imports and none of the other app's packages", async () => {
    const root = mkdtempSync(join(tmpdir(), "deskgate-image-"));
    dirs.push(root);
    const stages = readDockerfile(join(repo, "infra/docker", file));
    const [dependencies, final] = [stages[0]!, stages.at(-1)!];
    copyAsDockerWould(dependencies, root);
    const install = dependencies.find((i) => i.keyword === "RUN")!.args.split(/\s+/);
    expect(install.slice(0, 2)).toEqual(["npm", "ci"]);
    // The npm cache of this machine stands in for the registry where it can.
    await run("npm", [...install.slice(1), "--prefer-offline", "--loglevel=error"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    });
    for (const name of absent)
      expect(existsSync(join(root, "node_modules", name)), name).toBe(false);

    copyAsDockerWould(final, root);
    const started = await run(process.execPath, ["--import", "tsx", main], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: root },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(started.stderr).toMatch(/cannot start, the configuration has \d+ problem/);
    expect(started.code).toBe(2);
  }, 180_000);
});
