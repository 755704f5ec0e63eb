import { type DesktopRoute, desktopPatternSchema, slackChannelIdSchema } from "@deskgate/contracts";
import { z } from "zod";

const routeHint = "desktop (or prefix*) = channel id, e.g. qa-*=C0123ABCD";

/**
 * One SLACK_DESKTOP_CHANNELS entry, `pattern=channel`: the pattern is a desktop name or a
 * prefix ending in `*` (the same syntax, checked by the same schemas, as a policy's
 * `approvalChannels`). Pure.
 */
export const desktopRouteSchema = z.string().transform((entry, ctx): DesktopRoute => {
  const [pattern = "", channel = "", ...rest] = entry.split("=");
  if (
    rest.length > 0 ||
    !desktopPatternSchema.safeParse(pattern).success ||
    !slackChannelIdSchema.safeParse(channel).success
  ) {
    ctx.addIssue({ code: "custom", message: routeHint });
    return z.NEVER;
  }
  return { pattern, channel };
});

/**
 * Every channel the bot serves, and so every channel a run may be posted in: the start
 * channels (SLACK_CHANNELS) and the targets of SLACK_DESKTOP_CHANNELS. A desktop policy's
 * route is followed only when it names one of these (`chooseRunChannel`), so policies add
 * no channel: this list is the whole set, for posting and for `/agent list|status`.
 */
export function approvalChannels(
  startChannels: readonly string[],
  routes: readonly DesktopRoute[],
): string[] {
  return [...new Set([...startChannels, ...routes.map((route) => route.channel)])];
}
