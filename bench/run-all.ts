import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench [name…]`: runs each `bench/*.bench.ts` in its own process, one after
 * another (they measure wall time; running them side by side would skew each other).
 */
const folder = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(folder)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)))
  .sort();

let failures = 0;
for (const script of scripts) {
  process.stdout.write(`\n=== ${script} ===\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `${folder}${script}`], {
    stdio: "inherit",
  });
  if (result.status !== 0) failures += 1;
}
process.exit(failures === 0 ? 0 : 1);
