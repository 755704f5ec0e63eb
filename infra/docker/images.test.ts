import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { copies, readDockerfile, workspaceClosure } from "./dockerfile.ts";

const repo = resolve(import.meta.dirname, "../..");
const images = [
  {
    file: "bot.Dockerfile",
    app: "apps/bot",
    workspace: "@deskgate/bot",
    port: ["BOT_HEALTH_PORT", "9101"],
  },
  {
    file: "desktop.Dockerfile",
    app: "apps/worker",
    workspace: "@deskgate/worker",
    port: ["WORKER_HEALTH_PORT", "9102"],
  },
] as const;

describe.each(images)("infra/docker/$file", ({ file, app, workspace, port }) => {
  const stages = readDockerfile(join(repo, "infra/docker", file));
  const [dependencies, final] = [stages[0]!, stages.at(-1)!];
  const closure = workspaceClosure(repo, app);

  it("installs only its app's workspace, from exactly the manifests of its dependency tree", () => {
    const manifests = copies(dependencies)
      .flatMap((c) => c.sources)
      .filter((s) => /^(apps|libs)\//.test(s));
    expect(manifests.sort()).toEqual(closure.map((folder) => `${folder}/package.json`).sort());
    const install = dependencies.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(install).toEqual([`npm ci --omit=dev --workspace ${workspace} --no-audit --no-fund`]);
  });

  it("copies the source of exactly that tree, and nothing of the other app", () => {
    const sources = copies(final)
      .flatMap((c) => c.sources)
      .filter((s) => /^(apps|libs)\//.test(s));
    expect(sources.sort()).toEqual(closure);
  });

  it("uses one pinned Node base image for every stage, and installs no other Node", () => {
    const bases = stages.map((stage) => stage[0]!.args.split(" ")[0]);
    expect(new Set(bases)).toEqual(new Set(["node:20.20-bookworm-slim"]));
    const aptInstalls = final
      .filter((i) => i.keyword === "RUN" && i.args.includes("apt-get install"))
      .map((i) => i.args);
    for (const run of aptInstalls) {
      expect(run).toContain("--no-install-recommends");
      expect(run).toMatch(/rm -rf [^&]*\/var\/lib\/apt\/lists\/\*/);
      const packages = /apt-get install ([^&]+)/.exec(run)![1]!.split(/\s+/);
      expect(packages).not.toContain("nodejs");
      expect(packages).not.toContain("novnc");
    }
  });

  it("runs as a non-root user with a HEALTHCHECK against /healthz", () => {
    const keywords = final.map((i) => i.keyword);
    const user = final.filter((i) => i.keyword === "USER").at(-1);
    expect(user?.args).toBe("node");
    expect(keywords.lastIndexOf("USER")).toBeGreaterThan(
      Math.max(keywords.lastIndexOf("RUN"), keywords.lastIndexOf("COPY")),
    );
    const healthcheck = final.find((i) => i.keyword === "HEALTHCHECK")!;
    expect(healthcheck.args).toContain(
      `CMD ["node", "infra/docker/healthcheck.mjs", "${port[0]}", "${port[1]}"]`,
    );
    expect(copies(final).some((c) => c.sources.includes("infra/docker/healthcheck.mjs"))).toBe(
      true,
    );
  });
});

describe(".dockerignore", () => {
  it("keeps installed modules, git, local data, secrets and tests out of the build context", () => {
    const rules = readFileSync(join(repo, ".dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#"));
    for (const rule of ["**/node_modules", ".git", ".env", "data", "**/*.test.ts"])
      expect(rules).toContain(rule);
  });
});
