import { parseArgs } from "node:util";
import { desktopNameSchema } from "@deskgate/contracts";

/** `/agent …` as a value. Exhaustive: `switch` on `kind`. */
export type AgentCommand =
  | { kind: "start"; task: string; desktop?: string }
  | { kind: "stop"; runId: string }
  | { kind: "status"; runId?: string }
  | { kind: "list" }
  | { kind: "help" }
  | { kind: "usage"; problem: string };

export const agentUsage = [
  "*Usage*",
  "`/agent start <task> [--desktop NAME]` — start a run (every action waits for approval; `--` ends the options)",
  "`/agent stop <run id>` — stop a run",
  "`/agent status [run id]` — one run, or the latest runs",
  "`/agent list` — runs, active first",
  "`/agent help` — this text",
].join("\n");

/** Parses the slash command's text. Pure. */
export function parseAgentCommand(text: string): AgentCommand {
  const trimmed = text.trim();
  const [verb = "", ...rest] = trimmed.split(/\s+/);
  const argument = trimmed.slice(verb.length).trim();
  switch (verb.toLowerCase()) {
    case "":
    case "help":
      return { kind: "help" };
    case "start":
      return parseStart(argument);
    case "stop":
      if (rest.length !== 1)
        return { kind: "usage", problem: "Name the run to stop: `/agent stop run_…`" };
      return { kind: "stop", runId: rest[0]! };
    case "status":
      if (rest.length > 1)
        return { kind: "usage", problem: "`/agent status` takes at most one run id." };
      return rest[0] ? { kind: "status", runId: rest[0] } : { kind: "status" };
    case "list":
      return { kind: "list" };
    default:
      return { kind: "usage", problem: `Unknown subcommand \`${verb}\`.` };
  }
}

/**
 * `start <task> [--desktop NAME]`, options by `node:util`'s parseArgs (anywhere in the text,
 * `--desktop=NAME` too, `--` ends them). Every other word is the task, words that look like
 * options included ("list with ls -la"), joined by single spaces.
 */
function parseStart(argument: string): AgentCommand {
  const words = argument.split(/\s+/).filter((word) => word.length > 0);
  const { tokens } = parseArgs({
    args: words,
    options: { desktop: { type: "string" } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const optionWords = new Set<number>();
  const desktops: Array<string | undefined> = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") optionWords.add(token.index);
    if (token.kind !== "option" || token.name !== "desktop") continue;
    optionWords.add(token.index);
    if (token.value !== undefined && !token.inlineValue) optionWords.add(token.index + 1);
    desktops.push(token.value);
  }
  const task = words.filter((_, index) => !optionWords.has(index)).join(" ");
  if (!task)
    return {
      kind: "usage",
      problem: "Say what the agent should do: `/agent start open a terminal and print the date`",
    };
  if (task.length > 2_000)
    return { kind: "usage", problem: "The task is too long (at most 2,000 characters)." };
  if (desktops.length > 1) return { kind: "usage", problem: "Name at most one `--desktop`." };
  if (desktops.length === 0) return { kind: "start", task };
  const name = desktops[0];
  const desktop = desktopNameSchema.safeParse(name);
  if (!desktop.success)
    return {
      kind: "usage",
      problem:
        name === undefined
          ? "`--desktop` needs a desktop name: `--desktop desk-1`."
          : `\`${name}\` is not a desktop name (lower-case letters, digits and '-').`,
    };
  return { kind: "start", task, desktop: desktop.data };
}
