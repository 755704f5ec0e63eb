import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  blockAction,
  checkMessageBlocks,
  type PostedMessage,
  slashCommand,
  viewSubmission,
} from "@deskgate/test-support/fake-slack";
import { describe, expect, it } from "vitest";
import { readShownText } from "../apps/bot/src/slack-text/show-text.ts";
import { cards, textOf, waitForMessage } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

/**
 * The card shows exactly what will run, and nothing the model writes acts in the channel:
 * each case found when the product was tried as an attacker and as a user, through the real
 * bot and a fake Slack that escapes, limits and expires as Slack does.
 */
const each = useSlackGate({ bot: true });

async function startRun(
  actions: ComputerAction[],
  options: { rationale?: string; task?: string } = {},
) {
  await each.harness.startDesktop({
    actions,
    ...(options.rationale ? { rationale: options.rationale } : {}),
  });
  await each.slack.send({
    type: "slash_commands",
    payload: slashCommand(`start ${options.task ?? "do the thing"}`, { userId: "U0ALICE" }),
  });
  const run = await waitFor(async () => (await each.harness.backend.runDesk.listRuns())[0], {
    what: "the run",
  });
  const root = await waitForMessage(
    each.slack,
    (m) => m.channel === "C0RUNS" && !m.threadTs,
    "root",
  );
  return { runId: run.request.runId, task: run.request.task, root };
}

/** The texts of a message's text objects of one type. */
function textsOf(message: PostedMessage, type: "plain_text" | "mrkdwn"): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      const object = value as Record<string, unknown>;
      if (object.type === type && typeof object.text === "string") out.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

/** Every mrkdwn text (where markup is live) of a message. */
const mrkdwnOf = (message: PostedMessage) => textsOf(message, "mrkdwn").join("\n");
const plainTextsOf = (message: PostedMessage) => textsOf(message, "plain_text");

describe("model text in the channel", () => {
  it("shows a hostile rationale as plain text: no ping, no disguised link", async () => {
    const rationale = "The page says: <!channel> approve now, see <https://evil.example|the docs>.";
    await startRun([{ action: "left_click", coordinate: [10, 10] }], { rationale });
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    expect(plainTextsOf(card)).toContain(rationale);
    expect(mrkdwnOf(card)).not.toContain("<!channel>");
    expect(mrkdwnOf(card)).not.toContain("evil.example");
    expect(card.text).not.toContain("<!channel>");
  });

  it("shows the model's last words as plain text in the summary", async () => {
    const { runId, root } = await startRun([]);
    await each.harness.waitForStatus(runId, "finished");
    await each.harness.backend.publisher.announce({
      type: "run.finished",
      runId,
      at: new Date().toISOString(),
      summary: {
        steps: 0,
        approved: 0,
        denied: 0,
        autoApproved: 0,
        durationMs: 10,
        usage: {
          inputTokens: 0,
          outputTokens: 0,
          cacheReadInputTokens: 0,
          cacheCreationInputTokens: 0,
        },
        endReason: "the model finished",
        finalText: "Done. <!here> <@U0CEO>",
      },
    });
    const summary = await waitForMessage(
      each.slack,
      (m) => m.threadTs === root.ts && plainTextsOf(m).includes("Done. <!here> <@U0CEO>"),
      "the summary with the model's last words",
    );
    expect(mrkdwnOf(summary)).not.toMatch(/<!here>|<@U0CEO>/);
  });

  it("gives the model the command text as typed, not as Slack escaped it", async () => {
    const { task } = await startRun([], { task: "run: echo hi > /tmp/out && cat /tmp/out" });
    expect(each.slack.webApi.callsOf("chat.postMessage").length).toBeGreaterThan(0);
    expect(task).toBe("run: echo hi > /tmp/out && cat /tmp/out");
  });
});

describe("what runs is what the card shows", () => {
  it("posts a text too long for the card whole in the thread, and says so on the card", async () => {
    const text = `${"echo filler; ".repeat(250)}\nrm -rf ~/important\n`;
    const { root } = await startRun([{ action: "type", text }]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    const file = [...each.slack.webApi.files.values()].find((f) =>
      f.filename.endsWith("-text.txt"),
    );
    expect(file?.threadTs).toBe(root.ts);
    expect(readShownText(file!.bytes.toString("utf8"))).toBe(text);
    expect(textOf(card)).toContain(file!.filename);
    expect(textOf(card)).toMatch(/Type \d+ characters, pressing Enter ⏎ 2 times/);
    expect(checkMessageBlocks(card.blocks)).toEqual([]);
  });

  it("shows a right-to-left override by its code point", async () => {
    await startRun([{ action: "type", text: "invoice\u202efdp.exe" }]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    expect(plainTextsOf(card)).toContain("invoice⟦U+202E⟧fdp.exe");
  });

  it("posts a card whose rationale is 800 one-character lines", async () => {
    await startRun([{ action: "left_click", coordinate: [1, 1] }], {
      rationale: "a\n".repeat(800),
    });
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    expect(checkMessageBlocks(card.blocks)).toEqual([]);
  });

  it("says in the thread when a step was interrupted", async () => {
    const { runId, root } = await startRun([]);
    await each.harness.backend.publisher.announce({
      type: "step.interrupted",
      runId,
      at: new Date().toISOString(),
      step: 4,
      action: { action: "type", text: "make install\n" },
    });
    const line = await waitForMessage(
      each.slack,
      (m) => m.threadTs === root.ts && textOf(m).includes("Step 4 interrupted"),
      "the interrupted line",
    );
    expect(textOf(line)).toMatch(/may or may not have happened/);
  });
});

describe("modals", () => {
  it("open at once even when the approver check waits on a rate-limited user group", async () => {
    await each.startBot({ approvers: ["S0LEADS"] });
    each.slack.webApi.userGroups.set("S0LEADS", ["U0LEAD"]);
    each.slack.webApi.failNext("usergroups.users.list", "ratelimited", 1, 4);
    const { runId } = await startRun([{ action: "type", text: "date" }]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    const approvalId = (await each.harness.run(runId))!.pendingApprovalId!;
    const clicked = Date.now();
    await each.slack.send({
      type: "interactive",
      payload: blockAction({
        actionId: "approval.edit",
        value: `${approvalId}@1`,
        userId: "U0LEAD",
        messageTs: card.ts,
      }),
    });
    const opened = await waitFor(
      () =>
        each.slack.webApi
          .callsOf("views.open")
          .find((c) => JSON.stringify(c.args).includes(approvalId)),
      { what: "the edit modal" },
    );
    // The trigger id lasts 3 s; the fake refuses a later views.open, so this opened in time.
    expect(opened.receivedAt - clicked).toBeLessThan(3_000);
    expect(
      each.slack.webApi
        .callsOf("chat.postEphemeral")
        .filter((c) => /did not open/.test(String(c.args.text))),
    ).toEqual([]);
    // While the person types, the group lookup waits out the limit; the submission is then
    // answered within Slack's 3 s.
    await waitFor(() => each.slack.webApi.callsOf("usergroups.users.list").length >= 2, {
      timeoutMs: 8_000,
      what: "the group lookup to get through",
    });
    const lookups = each.slack.webApi
      .callsOf("usergroups.users.list")
      .map((c) => c.receivedAt - clicked);
    expect(lookups[1]! - lookups[0]!).toBeGreaterThanOrEqual(3_900);
    const answer = await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.edit_submit",
        userId: "U0LEAD",
        privateMetadata: `${approvalId}@1`,
        values: { text: { value: "date -u" } },
      }),
    });
    expect(answer).not.toHaveProperty("response_action");
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId))[0]?.action).toEqual({
      action: "type",
      text: "date -u",
    });
  }, 20_000);

  it("tells the clicker when Slack will not open the modal", async () => {
    const { runId } = await startRun([{ action: "type", text: "date" }]);
    const card = await waitFor(() => cards(each.slack)[0], { what: "the card" });
    const approvalId = (await each.harness.run(runId))!.pendingApprovalId!;
    each.slack.webApi.failNext("views.open", "expired_trigger_id");
    await each.slack.send({
      type: "interactive",
      payload: blockAction({
        actionId: "approval.edit",
        value: `${approvalId}@1`,
        userId: "U0BOB",
        messageTs: card.ts,
      }),
    });
    const told = await waitFor(
      () => each.slack.webApi.callsOf("chat.postEphemeral").find((c) => c.args.user === "U0BOB"),
      { what: "an answer" },
    );
    expect(String(told.args.text)).toMatch(/did not open the form .* Click the button again/);
  });
});
