import { setTimeout as sleep } from "node:timers/promises";
import type { AuditEvent } from "@deskgate/audit";
import { waitFor } from "@deskgate/test-support/app-process";
import { type PostedMessage, slashCommand } from "@deskgate/test-support/fake-slack";
import { type BenchConfiguration, benchApprovers } from "./bench-configurations.ts";
import type { BenchStack } from "./bench-stack.ts";
import { decisionAuditEvents } from "./decision-audit-event.ts";
import type { TaskMeasurement } from "./decision-report.ts";
import { type DecisionTask, type OpenedTask, scriptedActions } from "./decision-task.ts";
import { executedVersusScript } from "./executed-versus-script.ts";
import { consequentialWithoutOwnDecision } from "./own-decisions.ts";
import { SimulatedApprover } from "./simulated-approver.ts";

const requester = "U0ALICE";
const endTypes = new Set(["run.finished", "run.failed", "run.cancelled"]);

/**
 * Plays one task under one configuration: opens its programs on `display`, starts the run
 * with `/agent start` as the requester would, answers every card with the configuration's
 * strategy until the run ends, then measures from the Slack thread and the audit trail and
 * checks the real outcome. `playing` is the list the model's script reads its tasks from.
 */
export async function playTask(options: {
  task: DecisionTask;
  configuration: BenchConfiguration;
  stack: BenchStack;
  display: string;
  playing: Array<{ prompt: string } & OpenedTask>;
  msPerDecision: number;
  timeoutMs?: number;
}): Promise<TaskMeasurement> {
  const { task, stack } = options;
  const opened = await task.open(options.display);
  const played = { prompt: task.prompt, ...opened };
  options.playing.push(played);
  let stopped = false;
  try {
    const startedAt = Date.now();
    await stack.slack.send({
      type: "slash_commands",
      payload: slashCommand(`start ${task.prompt}`, { userId: requester }),
    });
    const root = await waitFor(() => rootMessageOf(stack, task.prompt), {
      timeoutMs: 15_000,
      what: `the run's root message for the ${task.name} task`,
    });
    const runId = /run `(run_[A-Za-z0-9_]+)`/.exec(JSON.stringify(root.blocks))?.[1];
    if (!runId) throw new Error(`no run id in the root message ${JSON.stringify(root.blocks)}`);
    const approver = new SimulatedApprover(
      { slack: stack.slack, approvers: benchApprovers },
      options.configuration.strategy,
      options.msPerDecision,
    );
    let end: AuditEvent | undefined;
    const over = () => end !== undefined || stopped;
    const [tally] = await Promise.all([
      approver.serve(root.ts, over),
      (async () => {
        const deadline = Date.now() + (options.timeoutMs ?? 180_000);
        while (!over()) {
          end = (await stack.audit.read(runId))
            .map((r) => r.event)
            .find((e) => endTypes.has(e.type));
          if (end) return;
          if (Date.now() > deadline)
            throw new Error(
              `the ${task.name} run ${runId} did not end in time:\n${stack.logTail()}`,
            );
          await sleep(100);
        }
      })(),
    ]);
    const trail = (await stack.audit.read(runId)).map((record) => record.event);
    const events = decisionAuditEvents(trail);
    const actions = scriptedActions(opened.turns);
    const consequential = actions.flatMap((action, index) =>
      action.consequential ? [index + 1] : [],
    );
    const problems = [
      ...(end?.type === "run.finished"
        ? []
        : [`the run ended with ${end?.type}: ${JSON.stringify(end)}`]),
      ...executedVersusScript(
        events,
        actions.map(({ action }) => action),
      ),
      ...(await opened.verify()),
    ];
    return {
      task: task.name,
      configuration: options.configuration.name,
      actions: actions.length,
      consequential: consequential.length,
      cards: tally.cards,
      decisions: tally.decisions,
      machineMs: new Date(end!.at).getTime() - startedAt,
      simulatedHumanMs: tally.simulatedHumanMs,
      withoutOwnDecision: consequentialWithoutOwnDecision(events, consequential),
      problems,
    };
  } finally {
    stopped = true;
    options.playing.splice(options.playing.indexOf(played), 1);
    await opened.close();
  }
}

function rootMessageOf(stack: BenchStack, prompt: string): PostedMessage | undefined {
  return [...stack.slack.webApi.messages.values()].find(
    (message) => !message.threadTs && JSON.stringify(message.blocks ?? []).includes(prompt),
  );
}
