import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import { blockAction, slashCommand, viewSubmission } from "@deskgate/test-support/fake-slack";
import { describe, expect, it } from "vitest";
import { cards, textOf, waitForMessage } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

const each = useSlackGate({ bot: true });

const click: ComputerAction = { action: "left_click", coordinate: [812, 440] };
const typeDate: ComputerAction = { action: "type", text: "date" };

async function startRunFromSlack(actions: ComputerAction[]) {
  await each.harness.startDesktop({ actions });
  await each.slack.send({
    type: "slash_commands",
    payload: slashCommand("start open a terminal and print the date", { userId: "U0ALICE" }),
  });
  const root = await waitForMessage(
    each.slack,
    (m) => m.channel === "C0RUNS" && !m.threadTs && textOf(m).includes("print the date"),
    "the run's root message",
  );
  // The root message is posted first, so the run has a thread before anything happens in it.
  const [run] = await waitFor(
    async () => {
      const runs = await each.harness.backend.runDesk.listRuns();
      return runs.length > 0 ? runs : undefined;
    },
    { what: "the run to be queued" },
  );
  return { root, runId: run!.request.runId };
}

const buttonClick = (actionId: string, value: string, userId: string, messageTs: string) =>
  each.slack.send({
    type: "interactive",
    payload: blockAction({ actionId, value, userId, messageTs }),
  });

describe("approving from Slack", () => {
  it("/agent start → card with the marked screenshot → Approve → the gate acts and the thread tells it all", async () => {
    const { root, runId } = await startRunFromSlack([click]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    expect(card.threadTs).toBe(root.ts);
    expect(textOf(card)).toContain("Step 1 · Left click at (812, 440)");
    const buttons = (
      card.blocks!.find((b) => (b as { type: string }).type === "actions") as {
        elements: Array<{ action_id: string }>;
      }
    ).elements;
    expect(buttons.map((b) => b.action_id)).toEqual([
      "approval.approve",
      "approval.allow_similar",
      "approval.deny",
      "approval.deny_with_reason",
      "approval.edit",
      "run.stop",
    ]);
    expect(
      each.slack.webApi
        .callsOf("chat.postMessage")
        .find(
          (c) => c.args.ts === undefined && JSON.stringify(c.blocks).includes("approval.approve"),
        )?.args.reply_broadcast,
    ).toBe("true");
    // The upload went into the thread, before the card, with the bytes the worker stored.
    const approval = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    const stored = await each.harness.backend.runDesk.readScreenshot(
      (await each.harness.backend.runDesk.getApproval(approval))!.request.screenshotKey!,
    );
    const [upload] = [...each.slack.webApi.files.values()];
    expect(upload?.bytes.equals(stored!)).toBe(true);
    expect(upload?.threadTs).toBe(root.ts);

    await buttonClick("approval.approve", approval, "U0BOB", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect(await each.harness.executed(runId)).toEqual([{ step: 1, action: click, note: null }]);
    await waitFor(
      () => textOf(each.slack.webApi.messages.get(card.ts)!).includes("Approved by <@U0BOB>"),
      { what: "the card to show the decision" },
    );
    expect(JSON.stringify(each.slack.webApi.messages.get(card.ts)!.blocks)).not.toContain(
      "approval.approve",
    );
    await waitForMessage(
      each.slack,
      (m) => m.threadTs === root.ts && textOf(m).includes("Run finished"),
      "the summary",
    );
    await waitFor(() => textOf(each.slack.webApi.messages.get(root.ts)!).includes("finished"), {
      what: "the root status",
    });
  });

  it("denies with a reason through the modal, and the reason reaches the agent", async () => {
    const { runId } = await startRunFromSlack([click]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    await buttonClick("approval.deny_with_reason", approvalId, "U0BOB", card.ts);
    const opened = await waitFor(() => each.slack.webApi.callsOf("views.open")[0], {
      what: "the modal",
    });
    expect(JSON.parse(String(opened.args.view))).toMatchObject({
      callback_id: "approval.deny_reason",
      private_metadata: `${approvalId}@1`,
    });
    const ack = await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.deny_reason",
        userId: "U0BOB",
        privateMetadata: approvalId,
        values: { reason: { value: "wrong window, use the terminal" } },
      }),
    });
    expect(ack ?? {}).not.toHaveProperty("response_action");
    await each.harness.waitForStatus(runId, "finished");
    expect(await each.harness.executed(runId)).toEqual([]);
    expect((await each.harness.denied(runId))[0]!.reason).toMatch(
      /^wrong window, use the terminal \(denied by/,
    );
    await waitFor(
      () => textOf(each.slack.webApi.messages.get(card.ts)!).includes("reason: wrong window"),
      { what: "the card to show the reason" },
    );
  });

  it("approves an edited action from the Edit modal", async () => {
    const { runId } = await startRunFromSlack([typeDate]);
    await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    const bad = await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.edit_submit",
        userId: "U0BOB",
        privateMetadata: approvalId,
        values: { text: { value: "" } },
      }),
    });
    expect(bad).toMatchObject({ response_action: "errors", errors: { text: expect.any(String) } });
    await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.edit_submit",
        userId: "U0BOB",
        privateMetadata: approvalId,
        values: { text: { value: "date -u" } },
      }),
    });
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId))[0]!.action).toEqual({
      action: "type",
      text: "date -u",
    });
  });

  it("'Approve for 10 min' lets the run's next actions through, shown as auto-approved lines", async () => {
    const { root, runId } = await startRunFromSlack([click, typeDate]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    await buttonClick("approval.approve_window", approvalId, "U0CAROL", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2]);
    await waitForMessage(
      each.slack,
      (m) => m.threadTs === root.ts && textOf(m).includes("auto-approved (trust window)"),
      "an auto-approved line",
    );
  });

  it("refuses a non-approver's click and answers a click on a decided card, changing nothing", async () => {
    const { runId } = await startRunFromSlack([click]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    await buttonClick("approval.approve", approvalId, "U0MALLORY", card.ts);
    const refusal = await waitFor(
      () =>
        each.slack.webApi.callsOf("chat.postEphemeral").find((c) => c.args.user === "U0MALLORY"),
      { what: "the refusal" },
    );
    expect(String(refusal.args.text)).toMatch(/not on this workspace's approver list/);
    expect((await each.harness.backend.runDesk.getApproval(approvalId))!.status).toBe("pending");

    await buttonClick("approval.deny", approvalId, "U0BOB", card.ts);
    await waitFor(
      async () =>
        (await each.harness.backend.runDesk.getApproval(approvalId))!.status === "decided",
      { what: "the deny" },
    );
    await buttonClick("approval.approve", approvalId, "U0CAROL", card.ts);
    const late = await waitFor(
      () => each.slack.webApi.callsOf("chat.postEphemeral").find((c) => c.args.user === "U0CAROL"),
      { what: "the late answer" },
    );
    expect(String(late.args.text)).toMatch(/Already decided — .*Denied by <@U0BOB>/);
    expect((await each.harness.backend.runDesk.getApproval(approvalId))!.outcome?.status).toBe(
      "denied",
    );
  });

  it("answers usage errors and refuses runs outside the configured channels", async () => {
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("start", { userId: "U0ALICE" }),
    });
    await each.slack.send({
      type: "slash_commands",
      payload: slashCommand("start do things", { userId: "U0ALICE", channelId: "C0RANDOM" }),
    });
    const answers = await waitFor(
      () => {
        const calls = each.slack.webApi.callsOf("chat.postEphemeral");
        return calls.length >= 2 ? calls.map((c) => String(c.args.text)) : undefined;
      },
      { what: "two ephemeral answers" },
    );
    expect(answers[0]).toMatch(/Say what the agent should do[\s\S]*\/agent start <task>/);
    expect(answers[1]).toMatch(/can't be started in this channel/);
    expect(await each.harness.backend.runDesk.listRuns()).toEqual([]);
  });

  it("stops a run from the card's Stop button", async () => {
    const { runId } = await startRunFromSlack([click]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    await buttonClick("run.stop", runId, "U0ALICE", card.ts);
    await each.harness.waitForStatus(runId, "cancelled");
    await waitFor(
      () => textOf(each.slack.webApi.messages.get(card.ts)!).includes("Run stopped by <@U0ALICE>"),
      { what: "the card to show the stop" },
    );
  });

  it("answers clicks for unknown requests and survives malformed payloads, changing nothing", async () => {
    const { runId } = await startRunFromSlack([click]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "an approval card" });
    const approvalId = (await each.harness.backend.runDesk.getRun(runId))!.pendingApprovalId!;
    await buttonClick("approval.approve", "apr_run_unknown000_1", "U0BOB", card.ts);
    const answer = await waitFor(
      () =>
        each.slack.webApi
          .callsOf("chat.postEphemeral")
          .find((c) => /no longer exists/.test(String(c.args.text))),
      { what: "the answer" },
    );
    expect(answer.args.user).toBe("U0BOB");
    // Garbage where Slack would put the action: no value, an unknown action id, a view with no state.
    const bad = blockAction({
      actionId: "approval.approve",
      value: approvalId,
      userId: "U0BOB",
      messageTs: card.ts,
    }) as Record<string, unknown>;
    await each.slack.send({
      type: "interactive",
      payload: { ...bad, actions: [{ action_id: "approval.approve", type: "button" }] },
    });
    await each.slack
      .send({
        type: "interactive",
        payload: {
          ...bad,
          actions: [{ action_id: "approval.launch_missiles", value: approvalId, type: "button" }],
        },
      })
      .catch(() => undefined);
    await each.slack.send({
      type: "interactive",
      payload: {
        type: "view_submission",
        user: { id: "U0BOB" },
        view: {
          callback_id: "approval.deny_reason",
          private_metadata: `${approvalId}@1`,
          state: { values: {} },
        },
      },
    });
    expect((await each.harness.backend.runDesk.getApproval(approvalId))!.status).toBe("pending");
    // Still alive and deciding correctly afterwards.
    await buttonClick("approval.approve", approvalId, "U0BOB", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect(await each.harness.executed(runId)).toHaveLength(1);
  });

  it("fails the run clearly when Slack refuses its approval card, and nothing is actuated", async () => {
    // The app was installed without files:write: every upload is refused, never to succeed.
    each.slack.webApi.failNext("files.getUploadURLExternal", "missing_scope", 100);
    const { root, runId } = await startRunFromSlack([click]);
    const run = await each.harness.waitForStatus(runId, "failed");
    expect(run.endReason).toMatch(
      /approval card for step 1 could not be posted to Slack \(Slack said missing_scope: .*manifest/,
    );
    expect(await each.harness.executed(runId)).toEqual([]);
    expect(each.slack.webApi.callsOf("files.getUploadURLExternal")).toHaveLength(1);
    expect(cards(each.slack)).toEqual([]);
    // The request was withdrawn, and the audit stream says why the run ended.
    const audit = (await each.harness.backend.audit.read(runId)).map((r) => r.event);
    expect(audit.map((e) => e.type)).toEqual(
      expect.arrayContaining(["approval.requested", "approval.cancelled", "run.failed"]),
    );
    expect(audit.at(-1)).toMatchObject({ type: "run.failed", reason: run.endReason });
    // The thread (still reachable for messages) says so, and the root shows it.
    const summary = await waitForMessage(
      each.slack,
      (m) => m.threadTs === root.ts && textOf(m).includes("Run failed"),
      "the failure summary",
    );
    expect(textOf(summary)).toContain("missing_scope");
    await waitFor(() => textOf(each.slack.webApi.messages.get(root.ts)!).includes("failed"), {
      what: "the root status",
    });
  });
});
