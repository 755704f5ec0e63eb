// Runs before `npm start` and `npm test` (plain JavaScript: it must work before
// `npm ci`). Installs node_modules on a fresh clone and names missing system packages.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const purpose = process.argv[2] ?? "test";

if (!existsSync("node_modules/.package-lock.json")) {
  console.error("node_modules is missing: running npm ci once");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `command -v`, not the `which` package: this runs before `npm ci` has installed anything.
const onPath = (name) => spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
const needed =
  {
    test: [
      "redis-server",
      "redis-sentinel",
      "redis-cli",
      "Xvfb",
      "xdotool",
      "xterm",
      "x11vnc",
      "websockify",
      "chromium",
    ],
    demo: ["redis-server", "Xvfb", "xdotool", "xterm"],
  }[purpose] ?? [];
const missing = needed.filter((name) => !onPath(name));
if (missing.length > 0) {
  console.error(
    `missing on PATH: ${missing.join(", ")}. Install them once with ` +
      "`sudo bash scripts/install-system-packages.sh` (Debian/Ubuntu).",
  );
  process.exit(1);
}
if (purpose === "test") {
  try {
    execFileSync("node", ["-e", "require('sharp')"], { stdio: "ignore" });
  } catch {
    console.error("sharp does not load: run `npm ci` again on this machine");
    process.exit(1);
  }
}
