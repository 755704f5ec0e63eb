import { startWindowManager, startXvfb } from "@deskgate/test-support/xvfb-display";
import {
  baselineConfiguration,
  benchApprovers,
  benchConfigurations,
} from "./support/decision-tasks/bench-configurations.ts";
import { type BenchStack, startBenchStack } from "./support/decision-tasks/bench-stack.ts";
import {
  benchFailed,
  compareWithBaseline,
  type TaskMeasurement,
} from "./support/decision-tasks/decision-report.ts";
import type { OpenedTask } from "./support/decision-tasks/decision-task.ts";
import { editorTask } from "./support/decision-tasks/editor-task.ts";
import { formTask } from "./support/decision-tasks/form-task.ts";
import { playTask } from "./support/decision-tasks/play-task.ts";
import { printDecisionReport } from "./support/decision-tasks/print-decision-report.ts";
import { taskModelScript } from "./support/decision-tasks/task-model-script.ts";
import { terminalTask } from "./support/decision-tasks/terminal-task.ts";

/**
 * Decisions per task: realistic tasks (a terminal, a form, an editor) played by the fake
 * Messages API on a real Xvfb display with real programs, through the real bot and worker;
 * a simulated person answers every card. Per task × configuration: cards, decisions,
 * simulated human time, machine time, and consequential actions that ran without a
 * decision of their own — which fails the bench, as does a task whose real outcome is
 * wrong. Decisions are compared with the baseline's (default policy) for the same task.
 */
const msPerDecision = Number(process.env.BENCH_SECONDS_PER_DECISION ?? 20) * 1_000;
// BENCH_TASKS=editor,form plays only those tasks (for a quick look; the report needs all).
const wantedTasks = process.env.BENCH_TASKS?.split(",").map((name) => name.trim());
const tasks = [terminalTask, formTask, editorTask].filter(
  (task) => !wantedTasks || wantedTasks.includes(task.name),
);
const screen = { width: 1280, height: 800 };

const xvfb = await startXvfb(screen);
// A window manager, as on a real desktop: the gate reads which window has the keys from it.
const windowManager = await startWindowManager(xvfb.display);
let stack: BenchStack | undefined;
const stop = async () => {
  await stack?.close();
  await windowManager.stop();
  await xvfb.stop();
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void stop().finally(() => process.exit(130)));

const measurements: TaskMeasurement[] = [];
try {
  for (const configuration of benchConfigurations) {
    const playing: Array<{ prompt: string } & OpenedTask> = [];
    stack = await startBenchStack({
      configuration,
      display: xvfb.display,
      script: taskModelScript(() => playing),
      approvers: benchApprovers,
    });
    if (stack.modelScreen.width !== screen.width || stack.modelScreen.height !== screen.height)
      throw new Error(
        `the model sees a ${stack.modelScreen.width}×${stack.modelScreen.height} screen, not the display's ${screen.width}×${screen.height}: the scripted coordinates would miss`,
      );
    for (const task of tasks) {
      const measurement = await playTask({
        task,
        configuration,
        stack,
        display: xvfb.display,
        playing,
        msPerDecision,
      });
      measurements.push(measurement);
      process.stdout.write(
        `${task.name} · ${configuration.name}: ${measurement.decisions} decisions in ${(measurement.machineMs / 1000).toFixed(1)} s\n`,
      );
      for (const answer of measurement.answers) process.stdout.write(`    ${answer}\n`);
    }
    await stack.close();
    stack = undefined;
  }
} finally {
  await stop();
}

printDecisionReport(compareWithBaseline(measurements, baselineConfiguration), msPerDecision);
process.exit(benchFailed(measurements) ? 1 : 0);
