import { slackEscapeTyped } from "./block-kit-rules.ts";
import { slackSignature } from "./slack-signature.ts";

let triggers = 0;
/** A trigger id as Slack makes one: unique per interaction. */
function nextTriggerId(): string {
  triggers += 1;
  return `trigger-${Date.now()}-${triggers}`;
}

/**
 * A `/agent …` slash command as Slack sends it: what the person typed, escaped and with
 * links marked up as Slack does (`escaped: true` when `text` already is).
 */
export function slashCommand(
  typed: string,
  options: { userId?: string; channelId?: string; escaped?: boolean } = {},
) {
  const text = options.escaped ? typed : slackEscapeTyped(typed);
  return {
    token: "verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: options.channelId ?? "C0RUNS",
    channel_name: "agents",
    user_id: options.userId ?? "U0ALICE",
    user_name: (options.userId ?? "U0ALICE").toLowerCase(),
    command: "/agent",
    text,
    api_app_id: "A0FAKE",
    response_url: "https://hooks.fake.slack.test/commands/1",
    trigger_id: nextTriggerId(),
  };
}

/** A button click on a message. */
export function blockAction(options: {
  actionId: string;
  value: string;
  userId: string;
  channelId?: string;
  messageTs: string;
  threadTs?: string;
  /** A menu (static_select) choice instead of a button: `value` is the chosen option's. */
  select?: { text: string };
}) {
  const channel = options.channelId ?? "C0RUNS";
  return {
    type: "block_actions",
    team: { id: "T0FAKE", domain: "fake" },
    user: {
      id: options.userId,
      username: options.userId.toLowerCase(),
      name: options.userId.toLowerCase(),
      team_id: "T0FAKE",
    },
    api_app_id: "A0FAKE",
    token: "verification-token",
    container: {
      type: "message",
      message_ts: options.messageTs,
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: nextTriggerId(),
    channel: { id: channel, name: "agents" },
    message: {
      type: "message",
      ts: options.messageTs,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      text: "",
    },
    response_url: "https://hooks.fake.slack.test/actions/1",
    actions: [
      options.select
        ? {
            action_id: options.actionId,
            block_id: "decision",
            type: "static_select",
            selected_option: {
              text: { type: "plain_text", text: options.select.text },
              value: options.value,
            },
            action_ts: String(Date.now() / 1000),
          }
        : {
            action_id: options.actionId,
            block_id: "decision",
            value: options.value,
            type: "button",
            action_ts: String(Date.now() / 1000),
          },
    ],
  };
}

/**
 * What one input element holds in a submitted view: text typed (a string), options
 * ticked in checkboxes (`{ checked: [...] }`), or one option picked from radio buttons or
 * a menu (`{ picked: value, kind }`), as Slack puts each in `view.state.values`.
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
export type SubmittedValue =
  | string
  | { checked: string[] }
  | { chosen: string[] }
  | { picked: string; kind: "radio_buttons" | "static_select" };

function submittedState(value: SubmittedValue) {
  if (typeof value === "string") return { type: "plain_text_input", value };
  if ("chosen" in value)
    return {
      type: "multi_static_select",
      selected_options: value.chosen.map((v) => ({
        text: { type: "plain_text", text: v },
        value: v,
      })),
    };
  if ("checked" in value)
    return {
      type: "checkboxes",
      selected_options: value.checked.map((v) => ({
        text: { type: "plain_text", text: v },
        value: v,
      })),
    };
  return {
    type: value.kind,
    selected_option: { text: { type: "plain_text", text: value.picked }, value: value.picked },
  };
}

/** A modal submitted with the given input values ({blockId: {actionId: value}}). */
export function viewSubmission(options: {
  callbackId: string;
  userId: string;
  privateMetadata: string;
  values: Record<string, Record<string, SubmittedValue>>;
}) {
  const values = Object.fromEntries(
    Object.entries(options.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [actionId, submittedState(value)]),
      ),
    ]),
  );
  return {
    type: "view_submission",
    team: { id: "T0FAKE", domain: "fake" },
    user: {
      id: options.userId,
      username: options.userId.toLowerCase(),
      name: options.userId.toLowerCase(),
      team_id: "T0FAKE",
    },
    api_app_id: "A0FAKE",
    token: "verification-token",
    trigger_id: nextTriggerId(),
    view: {
      id: "V0MODAL",
      type: "modal",
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      state: { values },
      hash: "1",
      title: { type: "plain_text", text: "x" },
    },
  };
}

/**
 * A request signed as Slack signs it (v0 HMAC-SHA256 of `v0:timestamp:body`), with knobs
 * to forge the signature or move the timestamp. Form-encoded unless `contentType` says
 * otherwise (Events API bodies are `application/json`).
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export function signedRequest(
  body: string,
  signingSecret: string,
  options: {
    timestampOffsetSeconds?: number;
    forge?: boolean;
    contentType?: "application/x-www-form-urlencoded" | "application/json";
  } = {},
): { body: string; headers: Record<string, string> } {
  const timestamp = Math.floor(Date.now() / 1000) + (options.timestampOffsetSeconds ?? 0);
  return {
    body,
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(
        options.forge ? "not-the-secret" : signingSecret,
        timestamp,
        body,
      ),
    },
  };
}

export function formEncoded(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
