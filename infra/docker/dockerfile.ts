import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** A Dockerfile as stages of instructions (comments and blank lines dropped). */
export function readDockerfile(path: string): Instruction[][] {
  const text = readFileSync(path, "utf8").replace(/\\\n/g, " ");
  const stages: Instruction[][] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [keyword = "", ...rest] = trimmed.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** `COPY a b dest` → [["a","b"], "dest"]; `--from=` copies are skipped. */
export function copies(stage: Instruction[]): Array<{ sources: string[]; destination: string }> {
  return stage
    .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
    .map((i) => {
      const parts = i.args.split(/\s+/);
      return { sources: parts.slice(0, -1), destination: parts.at(-1)! };
    });
}

/**
 * The folders of the workspace `app` (e.g. "apps/bot") and of every `@deskgate/*` package it
 * depends on at run time, transitively — what its image must hold.
 */
export function workspaceClosure(repo: string, app: string): string[] {
  const folders = new Map<string, string>();
  for (const root of ["apps", "libs"])
    for (const name of readdirSync(join(repo, root))) {
      const manifest = JSON.parse(readFileSync(join(repo, root, name, "package.json"), "utf8"));
      folders.set(manifest.name, `${root}/${name}`);
    }
  const dependencies = (folder: string) =>
    Object.keys(
      JSON.parse(readFileSync(join(repo, folder, "package.json"), "utf8")).dependencies ?? {},
    ).filter((name) => name.startsWith("@deskgate/"));
  const found = new Set([app]);
  const queue = [app];
  while (queue.length > 0)
    for (const name of dependencies(queue.pop()!)) {
      const folder = folders.get(name)!;
      if (!found.has(folder)) {
        found.add(folder);
        queue.push(folder);
      }
    }
  return [...found].sort();
}
