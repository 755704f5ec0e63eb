import type { ComputerAction } from "@deskgate/contracts";
import type { Computer, Screenshot } from "./computer.ts";
import { compactForModel } from "./encode-screenshot.ts";

/** Actions that only look (or only wait): the screen is not expected to move after them. */
const looksOnly = new Set<ComputerAction["action"]>([
  "screenshot",
  "cursor_position",
  "zoom",
  "wait",
]);

export interface SettleOptions {
  /** Give up waiting after this long and take the screen as it is; 0 turns settling off. */
  maxMs: number;
  /** The first look, after the action. */
  firstLookMs?: number;
  /** Between looks. */
  pollMs?: number;
  /** Consecutive unchanged looks that count as still. */
  quietLooks?: number;
  /** Fraction of the screen that changed between two screenshots (screenDifference). */
  difference: (before: Buffer, after: Buffer) => Promise<number>;
  /** At or below this fraction two looks count as unchanged. */
  stillBelow?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Re-encodes the still look for the model (default: a compact palette PNG). */
  compact?: (shot: Screenshot) => Promise<Screenshot>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the screen stops changing (a window opening, a page loading) and returns the
 * last look. Without it the screenshot after an action can catch a half-drawn window; the
 * model then reasons about a stale screen, and the next approval card shows one that
 * changes right after — which the gate rightly refuses to act on.
 */
export async function waitForStillScreen(
  computer: Pick<Computer, "screenshot">,
  options: SettleOptions,
): Promise<Screenshot> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 150;
  const quietLooks = options.quietLooks ?? 2;
  const stillBelow = options.stillBelow ?? 0.002;
  const giveUpAt = now() + options.maxMs;
  await sleep(options.firstLookMs ?? 100);
  let last = await computer.screenshot({ purpose: "check" });
  let quiet = 0;
  while (quiet < quietLooks && now() + pollMs <= giveUpAt) {
    await sleep(pollMs);
    const next = await computer.screenshot({ purpose: "check" });
    quiet = (await options.difference(last.png, next.png)) <= stillBelow ? quiet + 1 : 0;
    last = next;
  }
  return last;
}

/**
 * A Computer whose actions end only once the screen is still (see waitForStillScreen). The
 * still screen is handed to the screenshot taken right after the action, so it is not
 * captured twice.
 */
export function settlingComputer(inner: Computer, options: SettleOptions): Computer {
  const now = options.now ?? Date.now;
  let fresh: { shot: Screenshot; at: number } | undefined;
  return {
    modelScreen: () => inner.modelScreen(),
    pointerPosition: () => inner.pointerPosition(),
    releaseAllInput: () => inner.releaseAllInput(),
    focusedWindow: () => inner.focusedWindow(),
    windows: () => inner.windows(),
    async execute(action, actionOptions) {
      fresh = undefined;
      const result = await inner.execute(action, actionOptions);
      if (options.maxMs > 0 && !looksOnly.has(action.action))
        fresh = { shot: await waitForStillScreen(inner, options), at: now() };
      return result;
    },
    async screenshot(shotOptions = {}) {
      const cached = fresh;
      fresh = undefined;
      // Only the look right after the action may reuse it (the still screen that settling
      // found, compacted for the model); later ones capture anew.
      if (cached && now() - cached.at <= 250)
        return (shotOptions.purpose ?? "model") === "model"
          ? (options.compact ?? compactForModel)(cached.shot)
          : cached.shot;
      return inner.screenshot(shotOptions);
    },
    close: () => inner.close(),
  };
}
