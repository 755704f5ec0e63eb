import { ActionInterruptedError } from "./action-errors.ts";
import { throwIfInterrupted } from "./action-signal.ts";
import type { Xdotool } from "./xdotool.ts";

/**
 * One xdotool call of a `type`: a run of ASCII, one other character, or a key pressed for
 * a newline (Return) or a tab (Tab). xdotool 3.20160805 (Debian 12) types "\n" as the
 * Linefeed keysym: a terminal inserts a line, but a form, a chat box or a Tk/GTK entry
 * never sees Return.
 */
export type TypingStep =
  | { kind: "text"; text: string; ascii: boolean }
  | { kind: "key"; key: "Return" | "Tab"; text: string };

/** ASCII types at full speed; 50 characters keep a stop within a few milliseconds. */
const asciiChunkLength = 50;

/**
 * A character outside the keymap (é, —, ✓) makes xdotool bind it to a spare keycode,
 * press, and unbind after a quarter of --delay; an application that looks the keycode up
 * after the unbind gets nothing. Under CPU load 25 ms lost characters, 160 ms did not.
 * One such character per call, so progress is known exactly and a stop waits ≤ ~200 ms.
 */
export const nonAsciiTypingDelayMs = 160;

export function typingSteps(text: string): TypingStep[] {
  const steps: TypingStep[] = [];
  for (const character of Array.from(text)) {
    if (character === "\n" || character === "\t") {
      steps.push({ kind: "key", key: character === "\n" ? "Return" : "Tab", text: character });
      continue;
    }
    const ascii = character.codePointAt(0)! < 128;
    const last = steps.at(-1);
    if (ascii && last?.kind === "text" && last.ascii && last.text.length < asciiChunkLength)
      last.text += character;
    else steps.push({ kind: "text", text: character, ascii });
  }
  return steps;
}

/**
 * Types `text` step by step, checking `signal` between steps. Stopped, timed out or
 * failed part-way, it rejects with an ActionInterruptedError that says how much was typed
 * (a retry must not type "caf" twice).
 */
export async function typeText(text: string, xdotool: Xdotool, signal: AbortSignal) {
  const total = Array.from(text).length;
  let typed = "";
  for (const step of typingSteps(text)) {
    throwIfInterrupted(signal, progress(typed, total));
    try {
      if (step.kind === "key") await xdotool(["key", "--delay", "0", step.key]);
      else {
        const delay = step.ascii ? "0" : String(nonAsciiTypingDelayMs);
        await xdotool(["type", "--delay", delay, "--", step.text]);
      }
    } catch (err) {
      const detail = err instanceof Error ? err.message.split("\n").slice(-2).join(" ") : "";
      const unsure =
        step.text.length > 1 ? `; some of the next ${step.text.length} may have been typed` : "";
      throw new ActionInterruptedError(
        "failed",
        `typing failed at ${JSON.stringify(step.text.slice(0, 20))} (${detail.trim()})`,
        `${progress(typed, total)}${unsure}`,
        err,
      );
    }
    typed += step.text;
  }
}

/** "typed 3 of 7 characters ("caf")", the end of a long text only. */
function progress(typed: string, total: number): string {
  const count = Array.from(typed).length;
  if (count === 0) return `typed 0 of ${total} characters`;
  const shown = count > 60 ? `…${Array.from(typed).slice(-60).join("")}` : typed;
  return `typed ${count} of ${total} characters (${JSON.stringify(shown)})`;
}
