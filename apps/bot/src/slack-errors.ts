/**
 * What a failed Slack Web API call means for retrying it. Rate limits, network and 5xx
 * errors pass; errors about the app, the token or the channel do not, however often the
 * call is repeated — those say what to fix instead.
 */
const remedies: Record<string, string> = {
  not_in_channel: "invite the bot to the channel (`/invite @deskgate`)",
  channel_not_found: "the bot cannot see this channel; check SLACK_CHANNELS and invite the bot",
  is_archived: "the channel is archived",
  missing_scope:
    "the Slack app lacks a scope; recreate it from infra/slack/manifest.yml or add the scope and reinstall",
  invalid_auth: "SLACK_BOT_TOKEN is not valid",
  not_authed: "SLACK_BOT_TOKEN is missing",
  token_revoked: "SLACK_BOT_TOKEN was revoked; reinstall the app",
  token_expired: "SLACK_BOT_TOKEN has expired; reinstall the app",
  account_inactive: "the bot's account is deactivated; reinstall the app",
  not_allowed_token_type: "SLACK_BOT_TOKEN must be a bot token (xoxb-…)",
  restricted_action: "a workspace setting keeps the bot from posting here",
  ekm_access_denied: "the workspace's key management denied access",
  invalid_blocks: "Slack rejected the message's blocks",
  invalid_arguments: "Slack rejected the call's arguments",
  msg_too_long: "the message is too long for Slack",
};

export interface SlackFailure {
  /** Slack's error code (`missing_scope`), or the client's (`slack_webapi_request_error`). */
  code: string;
  /** Repeating the call cannot succeed until someone changes the app, token or channel. */
  permanent: boolean;
  /** One line for logs and the run's failure reason. */
  description: string;
}

interface WebApiErrorShape {
  code?: unknown;
  message?: unknown;
  data?: { error?: unknown; needed?: unknown };
}

export function classifySlackFailure(err: unknown): SlackFailure {
  const shape = (typeof err === "object" && err !== null ? err : {}) as WebApiErrorShape;
  const message = typeof shape.message === "string" ? shape.message : String(err);
  if (shape.code === "slack_webapi_platform_error" && typeof shape.data?.error === "string") {
    const code = shape.data.error;
    const needed = typeof shape.data.needed === "string" ? ` (needs ${shape.data.needed})` : "";
    const remedy = remedies[code];
    return {
      code,
      permanent: remedy !== undefined,
      description: remedy ? `Slack said ${code}${needed}: ${remedy}` : `Slack said ${code}`,
    };
  }
  if (shape.code === "slack_webapi_file_upload_invalid_args_error")
    return { code: shape.code, permanent: true, description: message };
  const code = typeof shape.code === "string" ? shape.code : "error";
  return { code, permanent: false, description: message };
}
