import { type FakeTurn, type ScriptStep, turns } from "@deskgate/test-support/fake-anthropic";

/** The demo's scripted model: what it does, turn by turn, in any run. */
export const scriptedTurns: readonly FakeTurn[] = [
  turns.action({ action: "screenshot" }, "Let me look at the screen first."),
  turns.action(
    { action: "key", text: "ctrl+alt+t" },
    "I'll open a terminal with the desktop's shortcut.",
  ),
  turns.action(
    { action: "type", text: "echo hello from deskgate; date" },
    "I'll type a greeting and the date command.",
  ),
  turns.action({ action: "key", text: "Return" }, "Now I'll run it."),
  turns.action({ action: "screenshot" }, "Let me check the result."),
  turns.done("Done: the terminal printed the greeting and today's date."),
];

/**
 * Script steps for the fake Messages API that answer each request with the turn its
 * conversation has reached (the number of assistant turns in it so far), so every run of
 * the demo plays the same short task from the start, and a denied step just moves on.
 * The fake consumes one step per request; `runs` bounds how many requests it will answer.
 */
export function scriptedTask(runs = 50): ScriptStep[] {
  const step: ScriptStep = (request) => {
    const played = request.body.messages.filter((m) => m.role === "assistant").length;
    return scriptedTurns[Math.min(played, scriptedTurns.length - 1)]!;
  };
  return Array.from({ length: runs * scriptedTurns.length }, () => step);
}
