import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { maxConversationBytes, modelToolTable, screenshotPruneBatch } from "@deskgate/agent";
import { createLogger } from "@deskgate/core";
import { annotateScreenshot, createNutComputer } from "@deskgate/desktop";
import { startColouredWindow, startTypingTarget } from "@deskgate/test-support/x-probe";
import { startXvfb } from "@deskgate/test-support/xvfb-display";
import { report, summarize } from "./stats.ts";

/**
 * Screenshot pipeline on a 1920×1080 Xvfb screen: nut-js capture → BGRA→RGB → sharp
 * resize to the model's 1280×720 → PNG, and the approver's annotated image, against the
 * shell-out path (scrot to a file, then ImageMagick `convert -resize`), same screen, same run.
 */
const run = promisify(execFile);
/** SCREENSHOTS_IN_CONTEXT's default in the worker. */
const defaultKeep = 3;
const samples = Number(process.env.BENCH_SAMPLES ?? 30);
const xvfb = await startXvfb({ width: 1920, height: 1080 });
const env = { ...process.env, DISPLAY: xvfb.display };
// A busy screen: a photo-like background, terminals full of text, coloured windows.
const dir = mkdtempSync(join(tmpdir(), "deskgate-bench-"));
await run("convert", [
  "-size",
  "1920x1080",
  "-seed",
  "7",
  "plasma:fractal",
  join(dir, "background.png"),
]);
const background = spawn("display", ["-window", "root", join(dir, "background.png")], {
  env,
  stdio: "ignore",
});
await new Promise((resolve) => setTimeout(resolve, 1_500));
const windows = [
  background,
  startColouredWindow(xvfb.display, "steelblue", "120x30+900+500"),
  startColouredWindow(xvfb.display, "darkred", "60x20+1300+50"),
];
const terminal = await startTypingTarget(xvfb.display, { geometry: "150x50+0+0" });
await run("xdotool", ["mousemove", "100", "100", "type", "--delay", "0", "--", "x".repeat(3000)], {
  env,
});
const computer = await createNutComputer({
  display: xvfb.display,
  logger: createLogger({ level: "silent" }),
});

const ours: number[] = [];
const forModel: number[] = [];
const annotate: number[] = [];
let ourBytes = 0;
let modelBytes = 0;
let annotatedBytes = 0;
for (let i = 0; i < samples + 3; i += 1) {
  const started = performance.now();
  const shot = await computer.screenshot({ purpose: "check" });
  const captured = performance.now();
  const marked = await annotateScreenshot(shot, { action: "left_click", coordinate: [640, 360] });
  const annotated = performance.now();
  const compact = await computer.screenshot({ purpose: "model" });
  if (i >= 3) {
    ours.push(captured - started);
    annotate.push(annotated - captured);
    forModel.push(performance.now() - annotated);
    ourBytes = shot.png.length;
    modelBytes = compact.png.length;
    annotatedBytes = marked.length;
  }
}

const shell: number[] = [];
let shellBytes = 0;
for (let i = 0; i < samples + 3; i += 1) {
  const raw = join(dir, "raw.png");
  const scaled = join(dir, "scaled.png");
  const started = performance.now();
  await run("scrot", ["-o", raw], { env });
  await run("convert", [raw, "-resize", "1280x720", scaled], { env });
  if (i >= 3) {
    shell.push(performance.now() - started);
    shellBytes = readFileSync(scaled).length;
  }
}

const a = summarize(ours);
const b = summarize(shell);
const c = summarize(annotate);
const m = summarize(forModel);
process.stdout.write(`screenshot pipeline, 1920×1080 → 1280×720 PNG, median of ${samples}\n`);
report([
  {
    name: "nut-js + sharp (capture, scale, PNG) for checks",
    value: `p50 ${a.p50.toFixed(1)} ms · p99 ${a.p99.toFixed(1)} ms · ${(ourBytes / 1024).toFixed(0)} KB`,
    ratio: b.p50 / a.p50,
  },
  {
    name: "  for the model (palette PNG)",
    value: `p50 ${m.p50.toFixed(1)} ms · p99 ${m.p99.toFixed(1)} ms · ${(modelBytes / 1024).toFixed(0)} KB`,
    ratio: b.p50 / m.p50,
  },
  {
    name: "  + annotated card image",
    value: `p50 ${c.p50.toFixed(1)} ms · ${(annotatedBytes / 1024).toFixed(0)} KB`,
  },
  {
    name: "baseline: scrot + convert -resize",
    value: `p50 ${b.p50.toFixed(1)} ms · p99 ${b.p99.toFixed(1)} ms · ${(shellBytes / 1024).toFixed(0)} KB`,
  },
]);
process.stdout.write(
  `target ≥ 3× faster than the baseline: ${b.p50 / a.p50 >= 3 ? "met" : "MISSED"}\n`,
);

// The longest run whose request fits the API's 32 MB, per family: where history is not
// pruned on the client, every step adds its screenshot (base64) and ~1 KB of JSON.
const perStep = Math.ceil(modelBytes / 3) * 4 + 1024;
const pruned = (defaultKeep + screenshotPruneBatch) * perStep;
process.stdout.write(`request size per step: ${(perStep / 1024).toFixed(0)} KB\n`);
report(
  modelToolTable.map((row) => ({
    name: row.families.join(", "),
    value:
      row.context === "server"
        ? `${Math.floor(maxConversationBytes / perStep)} steps fit in 32 MB (every screenshot stays)`
        : `no request-size limit: ≤ ${defaultKeep + screenshotPruneBatch} screenshots, ${(pruned / 1024 / 1024).toFixed(1)} MB a request`,
  })),
);

for (const window of windows) window.kill("SIGKILL");
await terminal.close();
await computer.close();
await xvfb.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
