import { createAnthropicRiskJudge } from "@deskgate/agent";
import type { AuditEvent } from "@deskgate/audit";
import type { ComputerAction } from "@deskgate/contracts";
import { waitFor } from "@deskgate/test-support/app-process";
import {
  type FakeAnthropic,
  type FakeTurn,
  type ScriptStep,
  startFakeAnthropic,
} from "@deskgate/test-support/fake-anthropic";
import { blockAction, viewSubmission } from "@deskgate/test-support/fake-slack";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { unthrottledPostingLimits } from "../apps/bot/src/slack-budget/posting-budget.ts";
import { textOf, waitForMessage } from "./bot-harness.ts";
import { useSlackGate } from "./support/use-slack-gate.ts";

/**
 * Fewer decisions, the same promise, through real Bolt and the fake Slack: a plan card for
 * a model turn (approved whole or in part, stopped by a changed screen), a grant made from
 * a card and revoked mid-run, high risk that is never covered, and a request nobody answers
 * escalating to a backup approver who then decides it.
 */
const each = useSlackGate({
  // Decisions per task, not scale: these tests change the screen between a grant's message
  // and the next proposal, timing that Slack's posting limits would move.
  slack: { rateLimits: "off" },
  bot: { settings: { approvers: ["U0BOB", "U0CAROL"] }, postingLimits: unthrottledPostingLimits },
});

/** A 1280×800 form: two fields and a button (the targets below), drawn as asked. */
async function formScreen(button = "Save"): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">
    <rect width="100%" height="100%" fill="#f4f4f4"/>
    <rect x="100" y="100" width="300" height="30" fill="#fff" stroke="#777"/>
    <rect x="100" y="200" width="300" height="30" fill="#fff" stroke="#777"/>
    <rect x="100" y="400" width="120" height="36" fill="#d0d0d0" stroke="#444"/>
    <text x="125" y="424" font-family="DejaVu Sans" font-size="16">${button}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
const nameField: [number, number] = [250, 115];
const emailField: [number, number] = [250, 215];
const saveButton: [number, number] = [160, 418];
const click = (coordinate: [number, number]): ComputerAction => ({
  action: "left_click",
  coordinate,
});

const careful = {
  rules: [
    { id: "look", match: { actions: ["screenshot", "zoom", "wait"] }, decision: "allow" },
    {
      id: "enter-after-typing",
      match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
      decision: "ask",
      risk: "high",
    },
    { id: "rest", match: {}, decision: "ask" },
  ],
};

async function trail(runId: string): Promise<AuditEvent[]> {
  return (await each.harness.backend.audit.read(runId)).map((record) => record.event);
}

const formTurn: ComputerAction[] = [
  click(nameField),
  { action: "type", text: "Ada" },
  click(emailField),
  { action: "type", text: "ada@example.com" },
  click(saveButton),
];

describe("a plan card", () => {
  it("asks once for a model turn: every step numbered, Approve all runs them, each checked", async () => {
    const runId = await each.drive.startRun(formTurn, careful, {
      turnSizes: [5],
      screenshotPng: await formScreen(),
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    const shown = textOf(card);
    expect(shown).toContain("Plan · 5 steps (1–5)");
    for (const n of [1, 2, 3, 4, 5]) expect(shown).toContain(`*${n}.* Step ${n}`);
    expect(shown).toContain("Approve all 5 steps");
    expect(shown).toContain("approval.approve_through");
    // One picture, every target numbered.
    expect(each.harness.rendered.map((r) => r.action)).toEqual(formTurn);
    await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId)).map((e) => e.action)).toEqual(formTurn);
    const events = await trail(runId);
    expect(events.filter((e) => e.type === "approval.requested")).toMatchObject([
      { step: 1, planSteps: [1, 2, 3, 4, 5] },
    ]);
    expect(
      events.filter((e) => e.type === "action.auto_approved").map((e) => [e.step, e.basis]),
    ).toEqual([
      [2, "plan"],
      [3, "plan"],
      [4, "plan"],
      [5, "plan"],
    ]);
    expect(events.find((e) => e.type === "approval.granted")).toMatchObject({
      plan: formTurn,
      approvers: [{ userId: "U0BOB" }],
    });
  });

  it("is off with `plans: false`: each step of the turn gets a card of its own", async () => {
    const runId = await each.drive.startRun(
      formTurn.slice(0, 2),
      { ...careful, plans: false },
      {
        turnSizes: [2],
        screenshotPng: await formScreen(),
      },
    );
    let previous: string | undefined;
    for (const step of [1, 2]) {
      const { approvalId, card } = await each.drive.openRequest(runId, previous);
      expect(textOf(card)).not.toContain("Plan ·");
      expect(textOf(card)).not.toContain("approval.approve_through");
      await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts);
      await waitFor(async () => (await each.harness.executed(runId)).length === step);
      previous = approvalId;
    }
    await each.harness.waitForStatus(runId, "finished");
    const events = await trail(runId);
    expect(events.filter((e) => e.type === "approval.requested").map((e) => e.step)).toEqual([
      1, 2,
    ]);
    expect(events.some((e) => e.type === "action.auto_approved")).toBe(false);
  });

  it("Approve through step 2 runs steps 1–2; the rest of the turn is asked about again", async () => {
    const runId = await each.drive.startRun(formTurn, careful, {
      turnSizes: [5],
      screenshotPng: await formScreen(),
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    await each.slack.send({
      type: "interactive",
      payload: blockAction({
        actionId: "approval.approve_through",
        value: `${approvalId}@1#2`,
        userId: "U0BOB",
        messageTs: card.ts,
        select: { text: "Steps 1–2 only" },
      }),
    });
    const next = await each.drive.openRequest(runId, approvalId);
    expect(textOf(next.card)).toContain("Plan · 3 steps (3–5)");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2]);
    await waitFor(
      () => textOf(each.slack.webApi.messages.get(card.ts)!).includes("steps 1–2 of the plan's 5"),
      {
        what: "the first card to say how far it was approved",
      },
    );
    await each.drive.click(`${next.approvalId}@1`, "U0CAROL", next.card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
  });

  it("holds back the steps picked: each gets a card of its own, the rest run as approved", async () => {
    const runId = await each.drive.startRun(formTurn, careful, {
      turnSizes: [5],
      screenshotPng: await formScreen(),
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts, "approval.hold_back");
    const form = await waitFor(() => each.slack.webApi.callsOf("views.open")[0], {
      what: "the hold-back form",
    });
    expect(JSON.stringify(form.args.view)).toContain("4. Step 4");
    // Hold back the email typed (step 4) and the Save click (step 5).
    await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.hold_back_submit",
        userId: "U0BOB",
        privateMetadata: `${approvalId}@1`,
        values: { steps: { value: { chosen: ["4", "5"] } } },
      }),
    });
    const email = await each.drive.openRequest(runId, approvalId);
    expect(textOf(email.card)).toContain("Step 4 · Type 15 characters");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2, 3]);
    await each.drive.click(`${email.approvalId}@1`, "U0CAROL", email.card.ts);
    const save = await each.drive.openRequest(runId, email.approvalId);
    expect(textOf(save.card)).toContain("Step 5 · Left click");
    await each.drive.click(`${save.approvalId}@1`, "U0CAROL", save.card.ts);
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
    const events = await trail(runId);
    expect(
      events.find((e) => e.type === "approval.granted" && e.approvalId === approvalId),
    ).toMatchObject({
      holdBack: [4, 5],
    });
    expect(events.filter((e) => e.type === "action.auto_approved").map((e) => e.step)).toEqual([
      2, 3,
    ]);
  });

  it("a plan's grant covers similar actions after it, in the same window", async () => {
    const runId = await each.drive.startRun(
      [...formTurn.slice(0, 4), { action: "type", text: "more" }],
      careful,
      {
        turnSizes: [4, 1],
        screenshotPng: await formScreen(),
      },
    );
    const { approvalId, card } = await each.drive.openRequest(runId);
    expect(textOf(card)).toContain("Approve all & allow similar…");
    await each.slack.send({
      type: "interactive",
      payload: viewSubmission({
        callbackId: "approval.grant_submit",
        userId: "U0BOB",
        privateMetadata: `${approvalId}@1`,
        values: {
          kinds: { value: { checked: ["typing"] } },
          where: { value: { picked: "class", kind: "radio_buttons" } },
          scope: { value: { picked: "run", kind: "radio_buttons" } },
          duration: { value: { picked: "900000", kind: "static_select" } },
        },
      }),
    });
    await each.harness.waitForStatus(runId, "finished");
    const events = await trail(runId);
    expect(
      events.filter((e) => e.type === "action.auto_approved").map((e) => [e.step, e.basis]),
    ).toEqual([
      [2, "plan"],
      [3, "plan"],
      [4, "plan"],
      [5, "grant"],
    ]);
  });

  it("stops where the screen no longer matches: that step gets a card of its own", async () => {
    const changed = await formScreen("Delete all");
    const runId = await each.drive.startRun(formTurn, careful, {
      turnSizes: [5],
      screenshotPng: await formScreen(),
      // After step 4 the button step 5 would click says something else.
      onApproved: (step) => {
        if (step === 4) each.harness.computers[0]!.show(changed);
      },
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts);
    const own = await each.drive.openRequest(runId, approvalId);
    expect(textOf(own.card)).toContain("Step 5 · Left click at (160, 418)");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect((await trail(runId)).find((e) => e.type === "plan.stopped")).toMatchObject({
      step: 5,
      approvalId,
      reason: expect.stringMatching(/screen changed around the target at \(160, 418\)/),
    });
    await each.drive.click(`${own.approvalId}@1`, "U0BOB", own.card.ts, "approval.deny");
    await each.harness.waitForStatus(runId, "finished");
    expect((await each.harness.executed(runId)).map((e) => e.step)).toEqual([1, 2, 3, 4]);
  });

  it("never holds a high-risk step: Enter after typing ends the plan and is asked about alone", async () => {
    const runId = await each.drive.startRun(
      [click(nameField), { action: "type", text: "make test" }, { action: "key", text: "Return" }],
      careful,
      { turnSizes: [3], screenshotPng: await formScreen() },
    );
    const plan = await each.drive.openRequest(runId);
    expect(textOf(plan.card)).toContain("Plan · 2 steps (1–2)");
    await each.drive.click(`${plan.approvalId}@1`, "U0BOB", plan.card.ts);
    const enter = await each.drive.openRequest(runId, plan.approvalId);
    const shown = textOf(enter.card);
    expect(shown).toContain("Step 3 · Press Enter ⏎");
    // What it sends: the typed line, and a warning that the clicked field may hold more.
    expect(shown).toContain("This Enter sends the line typed since the last Enter — and more");
    expect(shown).toMatch(
      /read it on the screenshot:"\}\]\},\{"type":"section","text":\{"type":"plain_text","text":"make test"/,
    );
    expect(shown).toContain("high — always asked on its own");
    expect(shown).not.toContain("approval.allow_similar");
  });
});

describe("a grant", () => {
  it("covers similar actions in its window until it is revoked mid-run", async () => {
    const actions: ComputerAction[] = [
      { action: "type", text: "ls" },
      { action: "type", text: "pwd" },
      { action: "key", text: "ctrl+c" },
      { action: "type", text: "whoami" },
    ];
    const runId = await each.drive.startRun(actions, careful, {
      screenshotPng: await formScreen(),
    });
    const first = await each.drive.openRequest(runId);
    expect(textOf(first.card)).toContain("Approve & allow similar…");
    // The button opens the form (within Slack's 3 s for the trigger id).
    await each.drive.click(
      `${first.approvalId}@1`,
      "U0BOB",
      first.card.ts,
      "approval.allow_similar",
    );
    const opened = await waitFor(() => each.slack.webApi.callsOf("views.open")[0], {
      what: "the grant form",
    });
    expect(JSON.stringify(opened.args.view)).toContain("Only in XTerm windows");
    expect(
      await each.drive.submitGrant(first.approvalId, "U0BOB", { kinds: ["typing"] }),
    ).not.toHaveProperty("response_action");
    const grantMessage = await waitForMessage(
      each.slack,
      (m) => textOf(m).includes("grant.revoke"),
      "the grant's thread message",
    );
    expect(textOf(grantMessage)).toContain("allowed typing text in XTerm windows");
    // "pwd" ran under the grant; ctrl+c is a key, not typing: asked.
    const keys = await each.drive.openRequest(runId, first.approvalId);
    expect(textOf(keys.card)).toContain("Step 3");
    const events = await trail(runId);
    expect(events.find((e) => e.type === "action.auto_approved")).toMatchObject({
      step: 2,
      basis: "grant",
      grantId: expect.stringMatching(/^grt_/),
      trustedBy: { userId: "U0BOB" },
    });
    // Revoked while step 3 waits: step 4 ("whoami") is typing again, and is asked about.
    await each.drive.click(
      String(
        (grantMessage.blocks as Array<{ elements?: Array<{ value?: string }> }>)[1]?.elements?.[0]
          ?.value,
      ),
      "U0CAROL",
      grantMessage.ts,
      "grant.revoke",
    );
    await each.drive.ephemeralTo("U0CAROL", /Revoked/);
    await waitFor(
      () =>
        textOf(each.slack.webApi.messages.get(grantMessage.ts)!).includes("revoked by <@U0CAROL>"),
      {
        what: "the grant's message to say it was revoked",
      },
    );
    expect(textOf(each.slack.webApi.messages.get(grantMessage.ts)!)).not.toContain("grant.revoke");
    await each.drive.click(`${keys.approvalId}@1`, "U0BOB", keys.card.ts);
    const whoami = await each.drive.openRequest(runId, keys.approvalId);
    expect(textOf(whoami.card)).toContain("Step 4");
    await each.drive.click(`${whoami.approvalId}@1`, "U0BOB", whoami.card.ts);
    await each.harness.waitForStatus(runId, "finished");
    const ended = (await trail(runId)).filter((e) => e.type.startsWith("grant."));
    expect(ended.map((e) => e.type)).toEqual(["grant.created", "grant.ended"]);
    expect(ended[1]).toMatchObject({ end: { kind: "revoked", by: { userId: "U0CAROL" } } });
  });

  it("does not cover a click on another window than the one granted", async () => {
    const runId = await each.drive.startRun([click(nameField), click(emailField)], careful, {
      screenshotPng: await formScreen(),
    });
    const first = await each.drive.openRequest(runId);
    await each.drive.submitGrant(first.approvalId, "U0BOB", { kinds: ["clicks"] });
    await waitForMessage(each.slack, (m) => textOf(m).includes("grant.revoke"), "the grant");
    // The second click lands on another program's window.
    each.harness.computers[0]!.windowList = [
      { id: "77", title: "Other", className: "Firefox", rect: [0, 150, 1280, 650] },
      { id: "4194305", title: "Terminal", className: "XTerm", rect: [0, 0, 1280, 800] },
    ];
    const second = await each.drive.openRequest(runId, first.approvalId);
    expect(textOf(second.card)).toContain("Step 2");
  });
});

describe("escalation", () => {
  it("reminds the channel, then tells the backup approver, who may then decide", async () => {
    const policy = {
      rules: [
        {
          id: "slow",
          match: {},
          decision: "ask",
          timeout: "1m",
          escalation: { remindAfter: "1s", backupAfter: "2500ms", backup: ["U0BACKUP"] },
        },
      ],
    };
    const runId = await each.drive.startRun([click(nameField)], policy);
    const { approvalId, card } = await each.drive.openRequest(runId);
    // Not an approver, and not escalated yet: refused.
    await each.drive.click(`${approvalId}@1`, "U0BACKUP", card.ts);
    await each.drive.ephemeralTo("U0BACKUP", /not on this workspace's approver list/);
    await waitForMessage(
      each.slack,
      (m) => textOf(m).includes("is still waiting for a decision"),
      "the reminder",
    );
    const dm = await waitFor(
      () =>
        each.slack.webApi
          .callsOf("chat.postMessage")
          .find(
            (c) =>
              String(c.args.channel).startsWith("D") &&
              String(c.args.text).includes("backup approver"),
          ),
      { timeoutMs: 10_000, what: "a direct message to the backup approver" },
    );
    expect(each.slack.webApi.callsOf("conversations.open")[0]?.args.users).toBe("U0BACKUP");
    expect(String(dm.args.text)).toContain("open the card");
    await each.drive.click(`${approvalId}@1`, "U0BACKUP", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    const events = await trail(runId);
    expect(events.filter((e) => e.type === "approval.escalated").map((e) => e.stage)).toEqual([
      "remind",
      "backup",
    ]);
    expect(events.find((e) => e.type === "approval.granted")).toMatchObject({
      approvers: [{ userId: "U0BACKUP" }],
    });
  });
});

describe("the risk judge", () => {
  const judgeModel = "claude-haiku-4-5";
  const rating = (ratings: Array<{ step: number; risk: string; reason: string }>): FakeTurn => ({
    content: [{ type: "tool_use", name: "rate_risk", input: { ratings } }],
    stop_reason: "tool_use",
  });
  let anthropic: FakeAnthropic | undefined;
  afterEach(async () => {
    await anthropic?.close();
    anthropic = undefined;
  });
  async function judgeAnswering(script: ScriptStep[]) {
    anthropic = await startFakeAnthropic({ script, apiKey: "sk-judge" });
    return createAnthropicRiskJudge({
      apiKey: "sk-judge",
      baseURL: anthropic.baseURL,
      model: judgeModel,
      timeoutMs: 5_000,
    });
  }

  it("raises a plan step to high: the plan ends before it, which then gets a card of its own", async () => {
    const hostile = "Submits the form. <!channel> approve now <https://evil.example|docs>";
    const riskJudge = await judgeAnswering([
      rating([
        { step: 1, risk: "low", reason: "Focuses the name field." },
        { step: 5, risk: "high", reason: hostile },
      ]),
      rating([{ step: 5, risk: "high", reason: "Submits the form." }]),
    ]);
    const runId = await each.drive.startRun(formTurn, careful, {
      turnSizes: [5],
      screenshotPng: await formScreen(),
      riskJudge,
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    const shown = textOf(card);
    expect(shown).toContain("Plan · 4 steps (1–4)");
    expect(shown).toContain(`risk judge \`${judgeModel}\` says *low*`);
    // What the judge saw: the card's image (JPEG or PNG, labelled as its bytes are), every
    // asked step as JSON, no thinking, the rating tool forced.
    const sent = anthropic!.requests[0]!.body;
    expect(sent.model).toBe(judgeModel);
    expect(sent.tool_choice).toEqual({ type: "tool", name: "rate_risk" });
    expect(sent.thinking).toBeUndefined();
    expect(JSON.stringify(sent.messages)).toContain(
      '5. (marked 5 on the image) {\\"action\\":\\"left_click\\"',
    );
    await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts);
    const alone = await each.drive.openRequest(runId, approvalId);
    const aloneText = textOf(alone.card);
    expect(aloneText).not.toContain("Plan ·");
    expect(aloneText).toContain("says *high*");
    expect(aloneText).not.toContain("approval.allow_similar");
    expect(JSON.stringify(alone.card.blocks)).not.toContain("<!channel>");
    expect(await each.harness.executed(runId)).toHaveLength(4);
    await each.drive.click(`${alone.approvalId}@1`, "U0BOB", alone.card.ts);
    await each.harness.waitForStatus(runId, "finished");
    const requested = (await trail(runId)).filter((e) => e.type === "approval.requested");
    expect(requested).toMatchObject([
      { step: 1, planSteps: [1, 2, 3, 4], risk: "medium", riskOpinion: { risk: "low" } },
      { step: 5, risk: "high", riskOpinion: { risk: "high", model: judgeModel } },
    ]);
  });

  it("a judge that fails leaves the policy's risk, and the card is posted all the same", async () => {
    const riskJudge = await judgeAnswering([{ fail: 500 }, { fail: 500 }]);
    const runId = await each.drive.startRun(formTurn.slice(0, 1), careful, {
      screenshotPng: await formScreen(),
      riskJudge,
    });
    const { approvalId, card } = await each.drive.openRequest(runId);
    expect(textOf(card)).toContain("*Risk:* ");
    expect(textOf(card)).not.toContain("risk judge");
    expect(anthropic!.requests).toHaveLength(2);
    await each.drive.click(`${approvalId}@1`, "U0BOB", card.ts);
    await each.harness.waitForStatus(runId, "finished");
    const requested = (await trail(runId)).find((e) => e.type === "approval.requested");
    expect(requested).toMatchObject({ risk: "medium" });
    expect(requested).not.toHaveProperty("riskOpinion");
  });
});
