import { z } from "zod";

/**
 * The outer body of an Events API delivery, as Slack POSTs it to a Request URL (and puts in
 * a Socket Mode `events_api` envelope's `payload`).
 * https://docs.slack.dev/apis/events-api/#callback-field
 */
export const eventCallbackSchema = z.looseObject({
  token: z.string(),
  team_id: z.string(),
  api_app_id: z.string(),
  event: z.looseObject({ type: z.string().min(1) }),
  type: z.literal("event_callback"),
  event_id: z.string().regex(/^Ev[0-9A-Z]+$/),
  /** Unix seconds when the event was dispatched. */
  event_time: z.number().int().positive(),
  authorizations: z
    .array(
      z.object({
        enterprise_id: z.string().nullable(),
        team_id: z.string(),
        user_id: z.string(),
        is_bot: z.boolean(),
        is_enterprise_install: z.boolean(),
      }),
    )
    .optional(),
});
export type EventCallback = z.infer<typeof eventCallbackSchema>;

let events = 0;

/** An event (`{ type: "app_mention", … }`) wrapped as Slack delivers it, with a fresh event id. */
export function eventCallback(event: { type: string } & Record<string, unknown>): EventCallback {
  events += 1;
  return eventCallbackSchema.parse({
    token: "verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0FAKE",
    event,
    type: "event_callback",
    event_id: `Ev${Date.now().toString(36).toUpperCase()}${events}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: "T0FAKE",
        user_id: "U0BOT",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
  });
}
