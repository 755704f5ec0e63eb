import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connectRedis, waitForRedis } from "@deskgate/redis";
import { freePort } from "@deskgate/redis/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);

/**
 * Every Compose on this machine: `docker compose` (v2, the CLI plugin) and Debian's
 * `docker-compose` (v1, 1.29); the file must work with both. At least one is required
 * (scripts/install-system-packages.sh installs v1 when neither is there).
 */
async function composeCommands(): Promise<string[][]> {
  const found: string[][] = [];
  for (const command of [["docker", "compose"], ["docker-compose"]]) {
    const ok = await run(command[0]!, [...command.slice(1), "version"]).then(
      () => true,
      () => false,
    );
    if (ok) found.push(command);
  }
  if (found.length === 0)
    throw new Error("neither `docker compose` nor `docker-compose` is installed");
  return found;
}

const composes = await composeCommands();
let compose: string[] = composes[0]!;

async function composeConfig(envFile: string): Promise<{ stdout: string }> {
  const [command, ...args] = compose;
  return run(command!, [...args, "--env-file", envFile, "config"], {
    env: { PATH: process.env.PATH ?? "" },
  });
}

describe.each(composes.map((command) => ({ name: command.join(" "), command })))(
  "docker-compose.yml with `$name`",
  ({ command }) => {
    beforeAll(() => {
      compose = command;
    });

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
  },
);

describe("infra/redis/redis.conf, as the compose file ships it", () => {
  it("runs Redis with an AOF synced on every write and no eviction", async () => {
    const compose = readFileSync("docker-compose.yml", "utf8");
    expect(compose).toContain("./infra/redis/redis.conf:/usr/local/etc/redis/redis.conf:ro");
    expect(compose).toContain('command: ["redis-server", "/usr/local/etc/redis/redis.conf"]');
    const dir = mkdtempSync(join(tmpdir(), "deskgate-redis-conf-"));
    const port = await freePort();
    const server = spawn(
      "redis-server",
      ["infra/redis/redis.conf", "--port", String(port), "--dir", dir],
      {
        stdio: "ignore",
      },
    );
    try {
      const client = connectRedis(`redis://127.0.0.1:${port}`);
      client.on("error", () => undefined); // refused until the server listens
      try {
        await waitForRedis(client, 5_000);
        expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
        expect(await client.config("GET", "appendfsync")).toEqual(["appendfsync", "always"]);
        expect(await client.config("GET", "maxmemory-policy")).toEqual([
          "maxmemory-policy",
          "noeviction",
        ]);
      } finally {
        client.disconnect();
      }
    } finally {
      server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
