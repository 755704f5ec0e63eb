import { createHash } from "node:crypto";
import type { Redis } from "@deskgate/redis";

/** Slack signs a request with its time and accepts it for five minutes. */
export const replayWindowMs = 5 * 60_000;

/**
 * Slash commands already acted on. A signed request is valid for five minutes
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack), so the same
 * request sent again inside that window passes Bolt's checks; and Slack gives each
 * invocation its own trigger id. The first sight of a trigger id (or, without one, of the
 * same command body) wins, across every bot replica (SET NX PX in Redis).
 */
export class CommandReplays {
  constructor(private readonly redis: Redis) {}

  /** True the first time this command is seen; false for a replay within the window. */
  async firstSight(command: SlashCommandIdentity): Promise<boolean> {
    const set = await this.redis.set(seenKey(command), "1", "PX", replayWindowMs, "NX");
    return set === "OK";
  }

  /** A command that could not be acted on may be sent again. */
  async forget(command: SlashCommandIdentity): Promise<void> {
    await this.redis.del(seenKey(command));
  }
}

interface SlashCommandIdentity {
  trigger_id?: string;
  user_id: string;
  channel_id: string;
  text: string;
}

function seenKey(command: SlashCommandIdentity): string {
  const identity =
    command.trigger_id ??
    createHash("sha256")
      .update(JSON.stringify([command.user_id, command.channel_id, command.text]))
      .digest("hex");
  return `slack:command-seen:${identity}`;
}
