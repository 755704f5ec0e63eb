import { setTimeout as sleep } from "node:timers/promises";
import type { AuditEvent } from "@deskgate/audit";
import { waitFor } from "@deskgate/test-support/app-process";
import { slashCommand } from "@deskgate/test-support/fake-slack";
import { type BenchConfiguration, benchApprovers } from "./bench-configurations.ts";
import type { BenchStack } from "./bench-stack.ts";
import { decisionAuditEvents } from "./decision-audit-event.ts";
import type { TaskMeasurement } from "./decision-report.ts";
import { type DecisionTask, type OpenedTask, scriptedActions } from "./decision-task.ts";
import { executedVersusScript, stopReasons } from "./executed-versus-script.ts";
import { consequentialWithoutOwnDecision } from "./own-decisions.ts";
import { SimulatedApprover } from "./simulated-approver.ts";

const requester = "U0ALICE";
const endTypes = new Set(["run.finished", "run.failed", "run.cancelled"]);

export interface PlayTaskOptions {
  task: DecisionTask;
  configuration: BenchConfiguration;
  stack: BenchStack;
  display: string;
  /** The tasks the model's script plays (see taskModelScript): this one joins while it runs. */
  playing: Array<{ prompt: string } & OpenedTask>;
  msPerDecision: number;
  timeoutMs?: number;
}

/**
 * Plays one task under one configuration: opens its programs on the display, starts the
 * run with `/agent start` as the requester would, answers every card with the
 * configuration's strategy until the run ends, then measures from the approver's tally
 * and the audit trail and checks the real outcome. The programs are closed in any case.
 */
export async function playTask(options: PlayTaskOptions): Promise<TaskMeasurement> {
  const { task, stack } = options;
  const opened = await task.open(options.display);
  const played = { prompt: task.prompt, ...opened };
  options.playing.push(played);
  let stopped = false;
  try {
    const startedAt = Date.now();
    const { rootTs, runId } = await startRun(stack, task);
    const answers: string[] = [];
    const approver = new SimulatedApprover(
      {
        slack: stack.slack,
        approvers: benchApprovers,
        script: scriptedActions(opened.turns),
        note: (answer) => answers.push(answer),
      },
      options.configuration.strategy,
      options.msPerDecision,
    );
    let end: AuditEvent | undefined;
    const over = () => end !== undefined || stopped;
    const [tally] = await Promise.all([
      approver.serve(rootTs, over),
      runEnd(stack, runId, over, options.timeoutMs ?? 180_000).then((event) => {
        end = event;
      }),
    ]);
    const trail = (await stack.audit.read(runId)).map((r) => r.event);
    const events = decisionAuditEvents(trail);
    const actions = scriptedActions(opened.turns);
    const consequential = actions.flatMap((action, step) =>
      action.consequential ? [step + 1] : [],
    );
    return {
      task: task.name,
      configuration: options.configuration.name,
      actions: actions.length,
      consequential: consequential.length,
      cards: tally.cards,
      decisions: tally.decisions,
      machineMs: new Date(end!.at).getTime() - startedAt,
      simulatedHumanMs: tally.simulatedHumanMs,
      answers,
      withoutOwnDecision: consequentialWithoutOwnDecision(events, consequential),
      problems: [
        ...(end?.type === "run.finished" ? [] : [`the run ended with ${JSON.stringify(end)}`]),
        ...executedVersusScript(
          events,
          actions.map(({ action }) => action),
          stopReasons(trail),
        ),
        ...(await opened.verify()),
      ],
    };
  } finally {
    stopped = true;
    options.playing.splice(options.playing.indexOf(played), 1);
    await opened.close();
  }
}

/** `/agent start <prompt>` from the requester; the run's root message and id. */
async function startRun(stack: BenchStack, task: DecisionTask) {
  await stack.slack.send({
    type: "slash_commands",
    payload: slashCommand(`start ${task.prompt}`, { userId: requester }),
  });
  const root = await waitFor(
    () =>
      [...stack.slack.webApi.messages.values()].find(
        (message) =>
          !message.threadTs && JSON.stringify(message.blocks ?? []).includes(task.prompt),
      ),
    { timeoutMs: 15_000, what: `the run's root message for the ${task.name} task` },
  );
  const runId = /run `(run_[A-Za-z0-9_]+)`/.exec(JSON.stringify(root.blocks))?.[1];
  if (!runId) throw new Error(`no run id in the root message ${JSON.stringify(root.blocks)}`);
  return { rootTs: root.ts, runId };
}

/** The run's end as the audit trail records it (finished, failed or cancelled). */
async function runEnd(
  stack: BenchStack,
  runId: string,
  over: () => boolean,
  timeoutMs: number,
): Promise<AuditEvent | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!over()) {
    const records = await stack.audit.read(runId);
    const end = records.map((record) => record.event).find((event) => endTypes.has(event.type));
    if (end) return end;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} did not end within ${timeoutMs} ms:\n${stack.logTail()}`);
    await sleep(100);
  }
  return undefined;
}
