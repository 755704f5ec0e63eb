import { channelForDesktop, type DesktopRoute } from "@deskgate/contracts";
import { approvalChannels } from "./desktop-channels.ts";

/** Where a run's root message, cards and thread go, and which setting said so. */
export interface RunChannelChoice {
  channel: string;
  from: "policy" | "configuration" | "command";
  /** The channel the desktop's policy named, when the bot does not serve it (not used). */
  refused?: string;
}

export interface RunChannelInput {
  /**
   * The desktop named with `--desktop`. Without one, any free desktop takes the run from
   * the shared queue later, so no route applies: the run stays in the command's channel.
   */
  desktop: string | undefined;
  /** The desktop's policy `approvalChannels`, as its worker last published it. */
  policyRoutes: readonly DesktopRoute[];
  /** SLACK_DESKTOP_CHANNELS. */
  configuredRoutes: readonly DesktopRoute[];
  /** SLACK_CHANNELS. */
  startChannels: readonly string[];
  commandChannel: string;
}

/**
 * The approval channel of a run started for `desktop`. Precedence: the desktop's policy
 * route first (the desktop's owners say where their approvals go), then
 * SLACK_DESKTOP_CHANNELS, then the channel the command was typed in. The bot posts only
 * in channels it serves (`approvalChannels`: SLACK_CHANNELS and the SLACK_DESKTOP_CHANNELS
 * targets): a policy naming any other channel is not followed and the choice carries it as
 * `refused`, so the starter can be told. See docs/decisions/slack-at-fleet-scale.md. Pure.
 */
export function chooseRunChannel(input: RunChannelInput): RunChannelChoice {
  const served = approvalChannels(input.startChannels, input.configuredRoutes);
  const fromPolicy = channelForDesktop(input.policyRoutes, input.desktop);
  if (fromPolicy !== undefined && served.includes(fromPolicy))
    return { channel: fromPolicy, from: "policy" };
  const refused = fromPolicy === undefined ? {} : { refused: fromPolicy };
  const configured = channelForDesktop(input.configuredRoutes, input.desktop);
  if (configured !== undefined) return { channel: configured, from: "configuration", ...refused };
  return { channel: input.commandChannel, from: "command", ...refused };
}
