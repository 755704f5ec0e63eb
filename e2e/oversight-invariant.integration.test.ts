import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand } from "@deskgate/test-support/fake-slack";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unthrottledPostingLimits } from "../apps/bot/src/slack-budget/posting-budget.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

/**
 * The oversight invariant, property-based: for random proposals, policies and human
 * behaviour (approve, deny, duplicate clicks, clicks from non-approvers, no click until
 * the deadline, stop), the desktop receives exactly the actions that an approver approved
 * or a policy rule allowed — each once, in order — and nothing after a stop.
 */
const proposals = fc.constantFrom<ComputerAction>(
  { action: "screenshot" },
  { action: "left_click", coordinate: [40, 50] },
  { action: "type", text: "echo hello" },
  { action: "type", text: "sudo rm -rf /" },
  { action: "key", text: "Return" },
);
const behaviours = fc.constantFrom(
  "approve",
  "deny",
  "duplicate_approve",
  "outsider_then_approve",
  "outsider_only",
  "stop",
);
type Behaviour = typeof behaviours extends fc.Arbitrary<infer T> ? T : never;

const policy = {
  rules: [
    { id: "observe", match: { actions: ["screenshot"] }, decision: "allow" },
    {
      id: "no-sudo",
      match: { actions: ["type"], textMatches: "\\bsudo\\b" },
      decision: "deny",
      reason: "no sudo",
    },
    { id: "ask", match: {}, decision: "ask", timeout: "700ms" },
  ],
};

const file = useSlackGate({
  per: "file",
  // The invariant, not scale: requests here expire after 700 ms, well inside one
  // channel's posting rate, so Slack's limits are off (and the bot's budget with them).
  slack: { rateLimits: "off" },
  bot: { postingLimits: unthrottledPostingLimits },
});

/** What the invariant says must reach the desktop, by step number. */
function expectedActuations(actions: ComputerAction[], humans: Behaviour[]): number[] {
  const out: number[] = [];
  for (const [index, action] of actions.entries()) {
    if (action.action === "screenshot") out.push(index + 1);
    else if (action.action === "type" && action.text.includes("sudo")) continue;
    else {
      const human = humans[index % humans.length]!;
      if (human === "stop") break;
      if (human === "approve" || human === "duplicate_approve" || human === "outsider_then_approve")
        out.push(index + 1);
    }
  }
  return out;
}

let counter = 0;
describe("the oversight invariant", () => {
  it("actuates exactly the approved or allowed actions, once each, in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(proposals, { minLength: 1, maxLength: 5 }),
        fc.array(behaviours, { minLength: 1, maxLength: 5 }),
        async (actions, humans) => {
          counter += 1;
          const desktop = `prop-${counter}`;
          const worker = await file.harness.startDesktop({ desktop, actions, policy });
          try {
            const before = new Set(
              (await file.harness.backend.runDesk.listRuns({ limit: 1_000 })).map(
                (r) => r.request.runId,
              ),
            );
            await file.slack.send({
              type: "slash_commands",
              payload: slashCommand(`start property ${counter} --desktop ${desktop}`, {
                userId: "U0ALICE",
              }),
            });
            const runId = await waitFor(
              async () =>
                (await file.harness.backend.runDesk.listRuns({ limit: 1_000 })).find(
                  (r) => !before.has(r.request.runId),
                )?.request.runId,
              { what: "the run" },
            );
            const handled = new Set<string>();
            for (;;) {
              const run = (await file.harness.run(runId))!;
              if (["finished", "failed", "cancelled"].includes(run.status)) break;
              const approvalId = run.status === "waiting" ? run.pendingApprovalId : undefined;
              if (approvalId && !handled.has(approvalId)) {
                handled.add(approvalId);
                const step = Number(/_(\d+)$/.exec(approvalId)![1]);
                const human = humans[(step - 1) % humans.length]!;
                const card = await waitFor(
                  () =>
                    [...file.slack.webApi.messages.values()].find((m) =>
                      JSON.stringify(m.blocks ?? []).includes(approvalId),
                    ),
                  { what: "the card" },
                );
                const click = (actionId: string, userId: string, value = approvalId) =>
                  file.slack.send({
                    type: "interactive",
                    payload: blockAction({ actionId, value, userId, messageTs: card.ts }),
                  });
                if (human === "approve") await click("approval.approve", "U0BOB");
                if (human === "deny") await click("approval.deny", "U0BOB");
                if (human === "duplicate_approve")
                  await Promise.all([
                    click("approval.approve", "U0BOB"),
                    click("approval.approve", "U0CAROL"),
                    click("approval.deny", "U0BOB"),
                  ]);
                if (human === "outsider_then_approve") {
                  await click("approval.approve", "U0MALLORY");
                  await click("approval.approve", "U0CAROL");
                }
                if (human === "outsider_only") await click("approval.approve", "U0MALLORY"); // then the deadline passes
                if (human === "stop") await click("run.stop", "U0ALICE", runId);
              }
              await new Promise((resolve) => setTimeout(resolve, 15));
            }
            const actuated = (await file.harness.executed(runId)).map((e) => e.step);
            expect(actuated).toEqual(expectedActuations(actions, humans));
          } finally {
            await worker.close();
            file.harness.desktops.splice(file.harness.desktops.indexOf(worker), 1);
          }
        },
      ),
      { numRuns: Number(process.env.INVARIANT_RUNS ?? 12), seed: 1125, endOnFailure: true },
    );
  }, 300_000);
});
