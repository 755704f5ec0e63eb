import { consequential, type DecisionTask, routine } from "./decision-task.ts";
import { openTerminal } from "./open-terminal.ts";
import { readTextFile } from "./read-text-file.ts";
import { bandOf, centreOf, zoomRegionOf } from "./screen-box.ts";

const title = "bench-terminal";
const status = "backup verified";

/**
 * Three commands in a terminal, reading the output of each: make a folder and list it,
 * write a line into a file, count the file's bytes. Checked on disk (the folder and the
 * file) and on screen (what `wc -c` printed, from the terminal's transcript).
 */
export const terminalTask: DecisionTask = {
  name: "terminal",
  prompt:
    "In the open terminal make a reports folder, write the backup status into reports/status.txt and tell me its size in bytes",
  async open(display) {
    const { shell, window } = await openTerminal(display, title);
    const terminal = centreOf(window);
    const whole = zoomRegionOf(window);
    const top = zoomRegionOf(bandOf(window, 0, 0.35));
    const run = (...parts: Array<{ type: string } | { key: string }>) => [
      ...parts.map((part) =>
        routine(
          "type" in part ? { action: "type", text: part.type } : { action: "key", text: part.key },
        ),
      ),
      consequential({ action: "key", text: "Return" }),
      routine({ action: "wait", duration: 0.5 }),
    ];
    const look = [routine({ action: "screenshot" }), routine({ action: "zoom", region: top })];
    const scrollBack = (amount: number) => [
      routine({
        action: "scroll",
        coordinate: terminal,
        scroll_direction: "up",
        scroll_amount: amount,
      }),
      routine({ action: "zoom", region: whole }),
      routine({
        action: "scroll",
        coordinate: terminal,
        scroll_direction: "down",
        scroll_amount: amount,
      }),
    ];
    return {
      turns: [
        { text: "Let me look at the screen first.", actions: [routine({ action: "screenshot" })] },
        {
          text: "A terminal is open. I'll click into it and read the prompt.",
          actions: [
            routine({ action: "left_click", coordinate: terminal }),
            routine({ action: "zoom", region: whole }),
          ],
        },
        {
          text: "I'll create the folder and list the directory.",
          actions: run({ type: "mkdir -p reports && ls" }),
        },
        { text: "Checking that the folder is listed.", actions: look },
        { text: "Scrolling back over the listing to read all of it.", actions: scrollBack(5) },
        {
          text: "Now I'll clear the screen and write the status line into the file, completing the folder's name with Tab.",
          actions: [
            routine({ action: "key", text: "ctrl+l" }),
            ...run({ type: `echo '${status}' > rep` }, { key: "Tab" }, { type: "status.txt" }),
          ],
        },
        { text: "Checking that the command ran cleanly.", actions: look },
        {
          text: "Now I'll count the file's bytes, completing both names with Tab.",
          actions: [
            routine({ action: "key", text: "ctrl+l" }),
            ...run({ type: "wc -c rep" }, { key: "Tab" }, { type: "st" }, { key: "Tab" }),
          ],
        },
        { text: "Reading the count.", actions: look },
        { text: "Scrolling back to read the earlier output once more.", actions: scrollBack(3) },
      ],
      finalText: `reports/status.txt holds "${status}" and is ${status.length + 1} bytes long.`,
      async verify() {
        const problems: string[] = [];
        if (!shell.ran("reports")) problems.push("the reports folder was not made");
        const written = readTextFile(`${shell.dir}/reports/status.txt`);
        if (written !== `${status}\n`)
          problems.push(`reports/status.txt holds ${JSON.stringify(written)}`);
        const counted = `${Buffer.byteLength(`${status}\n`)} reports/status.txt`;
        if (!shell.transcript().includes(counted))
          problems.push(`the terminal never showed "${counted}"`);
        return problems;
      },
      close: () => shell.close(),
    };
  },
};
