import { describe, expect, it } from "vitest";
import { parseAgentCommand } from "./agent-command.ts";

describe("parseAgentCommand", () => {
  it.each([
    [
      "start open a terminal and print the date",
      { kind: "start", task: "open a terminal and print the date" },
    ],
    [
      "start print the date --desktop desk-2",
      { kind: "start", task: "print the date", desktop: "desk-2" },
    ],
    [
      "start fill the form --desktop=qa-vm",
      { kind: "start", task: "fill the form", desktop: "qa-vm" },
    ],
    [
      "start --desktop desk-2 list files with ls -la",
      { kind: "start", task: "list files with ls -la", desktop: "desk-2" },
    ],
    [
      "start -- explain what --desktop does",
      { kind: "start", task: "explain what --desktop does" },
    ],
    ["stop run_abc123", { kind: "stop", runId: "run_abc123" }],
    ["status", { kind: "status" }],
    ["status run_abc123", { kind: "status", runId: "run_abc123" }],
    ["list", { kind: "list" }],
    ["", { kind: "help" }],
    ["HELP", { kind: "help" }],
  ])("parses %j", (text, expected) => {
    expect(parseAgentCommand(text)).toEqual(expected);
  });

  it.each([
    ["start", /Say what the agent should do/],
    ["start   --desktop desk-1", /Say what the agent should do/],
    ["start x --desktop Bad_Name", /not a desktop name/],
    ["start x --desktop", /`--desktop` needs a desktop name/],
    ["start x --desktop a --desktop b", /at most one `--desktop`/],
    ["stop", /Name the run to stop/],
    ["stop a b", /Name the run to stop/],
    ["launch rockets", /Unknown subcommand `launch`/],
  ])("explains %j", (text, problem) => {
    const command = parseAgentCommand(text);
    expect(command.kind).toBe("usage");
    if (command.kind === "usage") expect(command.problem).toMatch(problem);
  });
});
