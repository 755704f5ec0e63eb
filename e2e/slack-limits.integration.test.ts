import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand } from "@deskgate/test-support/fake-slack";
import { describe, expect, it } from "vitest";
import { cards, textOf } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

const approvers = Array.from({ length: 20 }, (_, i) => `U0APPROVER${String(i).padStart(2, "0")}`);
/** Slack's real limits are on (the FakeSlack default): these tests are about them. */
const each = useSlackGate({ bot: { settings: { approvers } } });
const move: ComputerAction = { action: "mouse_move", coordinate: [10, 10] };
const click: ComputerAction = { action: "left_click", coordinate: [812, 440] };
const movesFreely = {
  rules: [
    { id: "moves-freely", match: { actions: ["mouse_move"] }, decision: "allow" },
    { id: "ask", match: {}, decision: "ask" },
  ],
};

async function startRun(actions: ComputerAction[], policy: unknown, userId = "U0ALICE") {
  await each.harness.startDesktop({ actions, policy });
  await each.slack.send({
    type: "slash_commands",
    payload: slashCommand("start a task", { userId }),
  });
  return waitFor(async () => (await each.harness.backend.runDesk.listRuns())[0]?.request.runId, {
    what: "the run",
  });
}

/** The thread's step messages in the order Slack shows them: "card" or "line". */
const threadOrder = () =>
  [...each.slack.webApi.messages.values()]
    .filter((m) => m.threadTs && textOf(m).includes("Step"))
    .sort((a, b) => a.postedByCall - b.postedByCall)
    .map((m) => (cards(each.slack).includes(m) ? "card" : "line"));

describe("Slack as it really behaves", () => {
  it("keeps the thread in order when a post of step lines fails once (internal_error)", async () => {
    // Five auto-approved moves make five lines: the fifth gets the lines a message of
    // their own, and that post fails once. The card for step 6 must still come after it.
    each.slack.webApi.failNext("chat.postMessage", "internal_error", 1, 1, (args) =>
      String(args.text).includes("Step 1"),
    );
    await startRun([move, move, move, move, move, click], movesFreely);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card for step 6" });
    const lines = [...each.slack.webApi.messages.values()].find(
      (m) => m !== card && textOf(m).includes("Step 1 · Move the pointer"),
    );
    expect(lines, "the step lines were posted").toBeDefined();
    expect(lines!.postedByCall).toBeLessThan(card.postedByCall);
    const tries = each.slack.webApi
      .callsOf("chat.postMessage")
      .filter((c) => String(c.args.text).includes("Step 1"));
    expect(tries.length, "the lines were tried twice").toBe(2);
    expect(threadOrder()).toEqual(["line", "card"]);
  });

  it("shows fewer than five step lines above the next card instead of posting them", async () => {
    await startRun([move, click], movesFreely);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card for step 2" });
    expect(textOf(card)).toContain("Step 1 · Move the pointer");
    expect(card.text).not.toContain("Step 1");
    expect(threadOrder()).toEqual(["card"]);
  });

  it("edits a card once however many people click it; the others are told privately", async () => {
    const runId = await startRun([click], movesFreely);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    await Promise.all(
      approvers.map((userId) =>
        each.slack.send({
          type: "interactive",
          payload: blockAction({
            actionId: "approval.approve",
            value: approvalId,
            userId,
            messageTs: card.ts,
          }),
        }),
      ),
    );
    await waitFor(
      () =>
        each.slack.webApi
          .callsOf("chat.postEphemeral")
          .filter((c) => /Already decided/.test(String(c.args.text))).length === 19,
      { what: "19 private answers" },
    );
    await waitFor(() => each.slack.webApi.messages.get(card.ts)!.updates === 1, {
      what: "the card edited",
    });
    await waitFor(
      async () => (await each.harness.backend.runDesk.getRun(runId))?.status === "finished",
      {
        what: "the run to finish",
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cardEdits = each.slack.webApi.callsOf("chat.update").filter((c) => c.args.ts === card.ts);
    expect(cardEdits).toHaveLength(1);
    expect(textOf(each.slack.webApi.messages.get(card.ts)!)).toMatch(/Approved by/);
  });

  it("lists runs only in approval channels, and a requester's own runs in a DM", async () => {
    await startRun([click], movesFreely, "U0ALICE");
    const ask = (channelId: string, userId: string, text = "list") =>
      each.slack.send({
        type: "slash_commands",
        payload: slashCommand(text, { userId, channelId }),
      });
    await ask("C0RANDOM", "U0MALLORY");
    await ask("C0RANDOM", "U0MALLORY", "status");
    await ask("D0MALLORY", "U0MALLORY");
    await ask("D0ALICE", "U0ALICE");
    await ask("C0RUNS", "U0BOB");
    const answers = await waitFor(
      () => {
        const calls = each.slack.webApi.callsOf("chat.postEphemeral");
        return calls.length >= 5 ? calls : undefined;
      },
      { what: "five answers" },
    );
    const to = (channel: string, user: string) =>
      answers
        .filter((c) => c.args.channel === channel && c.args.user === user)
        .map((c) => String(c.args.text));
    for (const text of to("C0RANDOM", "U0MALLORY")) {
      expect(text).toMatch(/Runs are listed in <#C0RUNS>/);
      expect(text).not.toContain("a task");
    }
    expect(to("D0MALLORY", "U0MALLORY")[0]).toMatch(/No runs yet/);
    expect(to("D0ALICE", "U0ALICE")[0]).toContain("a task");
    expect(to("C0RUNS", "U0BOB")[0]).toContain("a task");
  });

  it("starts one run for a slash command that is sent twice", async () => {
    await each.harness.startDesktop({ actions: [click], policy: movesFreely });
    const payload = slashCommand("start once only", { userId: "U0ALICE" });
    await each.slack.send({ type: "slash_commands", payload });
    await each.slack.send({ type: "slash_commands", payload });
    await waitFor(async () => (await each.harness.backend.runDesk.listRuns()).length === 1, {
      what: "the run",
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await each.harness.backend.runDesk.listRuns()).toHaveLength(1);
    const roots = [...each.slack.webApi.messages.values()].filter(
      (m) => !m.threadTs && textOf(m).includes("once only"),
    );
    expect(roots).toHaveLength(1);
  });
});
