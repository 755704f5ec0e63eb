import { z } from "zod";

/**
 * Which approval channel a desktop's runs are posted in: `pattern=channel`, where the
 * pattern is a desktop name or a prefix ending in `*` (a desktop group, e.g. `qa-*`).
 * The first route that matches wins. A channel takes about one post a second
 * (chat.postMessage, https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting),
 * so a fleet is spread over several channels by desktop group. Pure.
 */
export interface DesktopRoute {
  pattern: string;
  channel: string;
}

export const desktopRouteSchema = z
  .string()
  .regex(/^[a-z0-9-]+\*?=[CG][A-Z0-9]+$/, "desktop (or prefix*) = channel id, e.g. qa-*=C0123ABCD")
  .transform((entry): DesktopRoute => {
    const [pattern = "", channel = ""] = entry.split("=");
    return { pattern, channel };
  });

export function routeMatches(route: DesktopRoute, desktop: string): boolean {
  return route.pattern.endsWith("*")
    ? desktop.startsWith(route.pattern.slice(0, -1))
    : desktop === route.pattern;
}

/** The channel for `desktop`'s runs, or undefined when no route names it. */
export function channelForDesktop(
  routes: readonly DesktopRoute[],
  desktop: string | undefined,
): string | undefined {
  if (!desktop) return undefined;
  return routes.find((route) => routeMatches(route, desktop))?.channel;
}

/** Every channel runs may live in: the start channels and the routed ones. */
export function approvalChannels(
  startChannels: readonly string[],
  routes: readonly DesktopRoute[],
): string[] {
  return [...new Set([...startChannels, ...routes.map((route) => route.channel)])];
}
