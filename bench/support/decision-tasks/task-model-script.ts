import {
  type RecordedRequest,
  type ScriptStep,
  turns,
} from "@deskgate/test-support/fake-anthropic";
import type { ScriptedTurn } from "./decision-task.ts";

/** A task as the model plays it: its prompt, its turns, its closing words. */
export interface PlayedTask {
  prompt: string;
  turns: readonly ScriptedTurn[];
  finalText: string;
}

/**
 * The fake Messages API's script for runs of the given tasks, in any order and any number:
 * each request is answered from the task its first user message names, with the turn that
 * follows the assistant turns it already holds (a retried request gets the same turn
 * again). Turns are GA toolset calls (`computer_toolset_20260801`), several per reply.
 * `tasks()` is read at each request, so tasks opened later are played too.
 */
export function taskModelScript(
  tasks: () => readonly PlayedTask[],
  maxRequests = 1_000,
): ScriptStep[] {
  const answer = (request: RecordedRequest) => {
    const first = request.body.messages[0];
    const asked = JSON.stringify(first?.content ?? "");
    const task = tasks().find((candidate) => asked.includes(candidate.prompt));
    if (!task) return { fail: 400, errorType: "invalid_request_error" };
    const played = request.body.messages.filter((message) => message.role === "assistant").length;
    const turn = task.turns[played];
    if (!turn) return turns.done(task.finalText);
    return turns.toolsetActions(
      turn.actions.map(({ action }) => action),
      turn.text,
    );
  };
  return Array.from({ length: maxRequests }, () => answer);
}
