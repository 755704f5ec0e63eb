import { type PrivateRedis, startPrivateRedis } from "@deskgate/redis/testing";
import { FakeSlack, type FakeSlackOptions } from "@deskgate/test-support/fake-slack";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { Bot, BotSettings } from "../../apps/bot/src/create-bot.ts";
import type { PostingLimits } from "../../apps/bot/src/slack-budget/posting-budget.ts";
import { GateHarness } from "../../apps/worker/src/testing/gate-harness.ts";
import { slackDriver, startBot } from "../bot-harness.ts";
import { stopInOrder } from "./stop-in-order.ts";

/** How the in-process bot is started: its settings over `startBot`'s, and its posting budget. */
export interface SlackGateBot {
  settings?: Partial<BotSettings>;
  postingLimits?: PostingLimits;
}

export interface SlackGateOptions {
  /** How the fake Slack behaves (e.g. `{ rateLimits: "off" }`); Slack's real limits when omitted. */
  slack?: FakeSlackOptions;
  /**
   * A bot to start once the parts are up (`true`: `startBot`'s settings); when omitted,
   * tests start one with `startBot`.
   */
  bot?: true | SlackGateBot;
  /** Fresh parts for each test (the default), or one set shared by the file's tests. */
  per?: "test" | "file";
}

/** The parts, read inside tests (they exist from the set-up hook to the teardown hook). */
export interface SlackGate {
  readonly redis: PrivateRedis;
  readonly harness: GateHarness;
  readonly slack: FakeSlack;
  readonly drive: ReturnType<typeof slackDriver>;
  /**
   * Stops the bot running now, if any, and starts a real Bolt bot (`startBot` in
   * bot-harness.ts) on the harness and the fake Slack; teardown stops it.
   */
  startBot(settings?: Partial<BotSettings>, bot?: Omit<SlackGateBot, "settings">): Promise<Bot>;
  /**
   * Makes `stop` what teardown calls first, in place of any bot stop held before, for bots
   * started otherwise (app processes).
   */
  stopBotWith(stop: () => Promise<void>): void;
}

interface Parts {
  redis?: PrivateRedis;
  harness?: GateHarness;
  slack?: FakeSlack;
  drive?: ReturnType<typeof slackDriver>;
  stopBot?: () => Promise<void>;
}

/**
 * A private redis-server, a GateHarness on it and a fake Slack, started before each test
 * (or once before the file's tests, `per: "file"`), with an optional bot. Teardown stops the
 * bot, closes the harness, closes Slack and disposes of Redis in that order, each step even
 * when an earlier one throws (then the hook fails with the error, see `stopInOrder`).
 */
export function useSlackGate(options: SlackGateOptions = {}): SlackGate {
  let parts: Parts = {};
  const when = options.per === "file" ? "before the file's tests" : "before each test";
  const part = <K extends keyof Parts>(name: K): NonNullable<Parts[K]> => {
    const value = parts[name];
    if (!value) throw new Error(`the Slack gate's ${name} starts ${when}`);
    return value;
  };
  const stopBot = async () => {
    const stop = parts.stopBot;
    delete parts.stopBot;
    await stop?.();
  };
  const gate: SlackGate = {
    get redis() {
      return part("redis");
    },
    get harness() {
      return part("harness");
    },
    get slack() {
      return part("slack");
    },
    get drive() {
      return part("drive");
    },
    async startBot(settings = {}, bot = {}) {
      await stopBot();
      const started = await startBot(part("harness"), part("slack"), settings, bot);
      parts.stopBot = started.stop;
      return started.bot;
    },
    stopBotWith(stop) {
      parts.stopBot = stop;
    },
  };
  const setUp = async () => {
    parts.redis = await startPrivateRedis();
    parts.harness = new GateHarness(parts.redis.url);
    parts.slack = await new FakeSlack(options.slack).start();
    parts.drive = slackDriver(parts.harness, parts.slack);
    if (options.bot === true) await gate.startBot();
    else if (options.bot) await gate.startBot(options.bot.settings, options.bot);
  };
  const tearDown = async () => {
    const { harness, slack, redis } = parts;
    try {
      await stopInOrder([
        stopBot,
        harness && (() => harness.close()),
        slack && (() => slack.close()),
        redis && (() => redis.dispose()),
      ]);
    } finally {
      parts = {};
    }
  };
  if (options.per === "file") {
    beforeAll(setUp);
    afterAll(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  return gate;
}
