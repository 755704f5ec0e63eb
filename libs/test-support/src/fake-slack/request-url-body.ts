import { z } from "zod";
import { eventCallbackSchema } from "./event-callback.ts";
import type { Envelope } from "./slack-transport.ts";

export interface RequestUrlBody {
  contentType: "application/x-www-form-urlencoded" | "application/json";
  body: string;
}

/** A slash command arrives as flat form fields, every value a string. */
const slashCommandFieldsSchema = z.record(z.string(), z.string());

/**
 * What Slack POSTs to a Request URL for an envelope: a slash command's fields form-encoded
 * (https://docs.slack.dev/interactivity/implementing-slash-commands/#app_command_handling),
 * an interaction form-encoded as one `payload` field holding its JSON
 * (https://docs.slack.dev/interactivity/handling-user-interaction/#payloads), an Events API
 * `event_callback` as JSON (https://docs.slack.dev/apis/events-api/#receiving-events).
 * Throws (a ZodError) when the payload is not what Slack would send for its type.
 */
export function requestUrlBody(envelope: Envelope): RequestUrlBody {
  switch (envelope.type) {
    case "slash_commands":
      return {
        contentType: "application/x-www-form-urlencoded",
        body: new URLSearchParams(slashCommandFieldsSchema.parse(envelope.payload)).toString(),
      };
    case "interactive":
      return {
        contentType: "application/x-www-form-urlencoded",
        body: new URLSearchParams({ payload: JSON.stringify(envelope.payload) }).toString(),
      };
    case "events_api":
      return {
        contentType: "application/json",
        body: JSON.stringify(eventCallbackSchema.parse(envelope.payload)),
      };
  }
}
