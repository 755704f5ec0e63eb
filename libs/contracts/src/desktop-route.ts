import { z } from "zod";

/**
 * A desktop name (`desk-7`) or a desktop group: a prefix ending in `*` (`qa-*` is every
 * desktop whose name starts with `qa-`). The one pattern syntax of SLACK_DESKTOP_CHANNELS
 * and of a policy's `approvalChannels`.
 */
export const desktopPatternSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}\*?$/, {
  error: (issue) =>
    `must be a desktop name or a prefix ending in * (e.g. desk-7, qa-*), got ${JSON.stringify(issue.input)}`,
});

/**
 * A Slack channel id: C… (a channel) or G… (an older private channel). Names (`#qa`) are
 * not ids: a channel's id is at the bottom of its "About" tab
 * (https://docs.slack.dev/reference/objects/conversation-object).
 */
export const slackChannelIdSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "required: a Slack channel id such as C0123ABCD"
        : `must be a Slack channel id such as C0123ABCD, got ${JSON.stringify(issue.input)}`,
  })
  .regex(/^[CG][A-Z0-9]+$/, {
    error: (issue) =>
      `must be a Slack channel id such as C0123ABCD (not a name), got ${JSON.stringify(issue.input)}`,
  });

/**
 * Where a desktop's runs are posted: runs on desktops matching `pattern` go to `channel`.
 * In a list of routes the first that matches wins. A channel takes about one post a second
 * (chat.postMessage, https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting),
 * so a fleet is spread over several channels by desktop group.
 */
export interface DesktopRoute {
  readonly pattern: string;
  readonly channel: string;
}

/** Whether `desktop` is named by `pattern` (exactly, or by its prefix before `*`). */
export function desktopPatternMatches(pattern: string, desktop: string): boolean {
  return pattern.endsWith("*") ? desktop.startsWith(pattern.slice(0, -1)) : desktop === pattern;
}

/**
 * Whether every desktop `later` names is already named by `earlier`, so that a route
 * with `later` after a route with `earlier` is never reached.
 */
export function desktopPatternCovers(earlier: string, later: string): boolean {
  if (!earlier.endsWith("*")) return earlier === later;
  return later.startsWith(earlier.slice(0, -1));
}

/** The channel of the first route naming `desktop`; undefined when none does (or no desktop). */
export function channelForDesktop(
  routes: readonly DesktopRoute[],
  desktop: string | undefined,
): string | undefined {
  if (!desktop) return undefined;
  return routes.find((route) => desktopPatternMatches(route.pattern, desktop))?.channel;
}
