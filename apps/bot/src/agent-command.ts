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
  "`/agent start <task> [--desktop NAME]` — start a run (every action waits for approval)",
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
    case "start": {
      const match = /(?:^|\s)--desktop(?:=|\s+)(\S+)\s*$/.exec(argument);
      const task = (match ? argument.slice(0, match.index) : argument).trim();
      if (!task)
        return {
          kind: "usage",
          problem:
            "Say what the agent should do: `/agent start open a terminal and print the date`",
        };
      if (task.length > 2_000)
        return { kind: "usage", problem: "The task is too long (at most 2,000 characters)." };
      if (match) {
        const desktop = desktopNameSchema.safeParse(match[1]);
        if (!desktop.success)
          return {
            kind: "usage",
            problem: `\`${match[1]}\` is not a desktop name (lower-case letters, digits and '-').`,
          };
        return { kind: "start", task, desktop: desktop.data };
      }
      return { kind: "start", task };
    }
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
