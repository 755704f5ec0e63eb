import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);

/** `docker compose` (v2 plugin) when present, else Debian's `docker-compose` (v1). */
async function composeCommand(): Promise<string[]> {
  try {
    await run("docker", ["compose", "version"]);
    return ["docker", "compose"];
  } catch {
    return ["docker-compose"];
  }
}

async function composeConfig(envFile: string): Promise<{ stdout: string }> {
  const [command, ...args] = await composeCommand();
  return run(command!, [...args, "--env-file", envFile, "config"], {
    env: { PATH: process.env.PATH ?? "" },
  });
}

describe("docker-compose.yml", () => {
  it("passes `compose config` with the example settings", async () => {
    const { stdout } = await composeConfig(".env.example");
    const config = parse(stdout) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    expect(Object.keys(config.services).sort()).toEqual(["bot", "desktop", "redis"]);
  });

  it("gives the desktop worker no Slack credential and the bot no Anthropic key", async () => {
    const { stdout } = await composeConfig(".env.example");
    const config = parse(stdout) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    const desktopVariables = Object.keys(config.services.desktop!.environment);
    const botVariables = Object.keys(config.services.bot!.environment);
    expect(desktopVariables.filter((name) => name.startsWith("SLACK_"))).toEqual([]);
    expect(botVariables.filter((name) => name.startsWith("ANTHROPIC_"))).toEqual([]);
    expect(desktopVariables).toContain("ANTHROPIC_API_KEY");
  });

  it("refuses to render without a required secret, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deskgate-compose-"));
    const envFile = join(dir, "env");
    const example = readFileSync(".env.example", "utf8");
    writeFileSync(envFile, example.replace(/^ANTHROPIC_API_KEY=.*$/m, ""));
    try {
      await expect(composeConfig(envFile)).rejects.toThrow(/set ANTHROPIC_API_KEY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
