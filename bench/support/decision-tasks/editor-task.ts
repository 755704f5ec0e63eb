import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consequential, type DecisionTask, routine } from "./decision-task.ts";
import { openTerminal } from "./open-terminal.ts";
import { readTextFile } from "./read-text-file.ts";
import { bandOf, centreOf, zoomRegionOf } from "./screen-box.ts";

const title = "bench-editor";
const before = "# Errands\n";
const items = ["- water the plants", "- call the bank", "- book the train"];

/**
 * A text editor in a terminal: open notes.md in vim, add three lines at its end, save and
 * close with `:wq`, then show the file. Checked on disk: the file holds the new lines and
 * vim left no swap file (it closed cleanly).
 */
export const editorTask: DecisionTask = {
  name: "editor",
  prompt:
    "Add three errands to notes.md with vim in the open terminal: water the plants, call the bank, book the train",
  async open(display) {
    const { shell, window } = await openTerminal(display, title);
    writeFileSync(join(shell.dir, "notes.md"), before);
    const top = zoomRegionOf(bandOf(window, 0, 0.4));
    const bottom = zoomRegionOf(bandOf(window, 0.8, 1));
    const lines = items.flatMap((item, index) => [
      ...(index > 0 ? [routine({ action: "key", text: "Return" })] : []),
      routine({ action: "type", text: item }),
    ]);
    return {
      turns: [
        { text: "Let me look at the screen.", actions: [routine({ action: "screenshot" })] },
        {
          text: "I'll click into the terminal and open notes.md in vim.",
          actions: [
            routine({ action: "left_click", coordinate: centreOf(window) }),
            routine({ action: "type", text: "vim notes.md" }),
            consequential({ action: "key", text: "Return" }),
          ],
        },
        {
          text: "Waiting for vim to draw.",
          actions: [routine({ action: "wait", duration: 0.5 }), routine({ action: "screenshot" })],
        },
        { text: "Reading the file as it is.", actions: [routine({ action: "zoom", region: top })] },
        {
          text: "Going to the last line and opening a new line below it.",
          actions: [routine({ action: "type", text: "Go" })],
        },
        {
          text: "Vim should say INSERT now.",
          actions: [routine({ action: "zoom", region: bottom })],
        },
        { text: "Typing the three errands.", actions: lines },
        {
          text: "Leaving insert mode and checking the text.",
          actions: [
            routine({ action: "key", text: "Escape" }),
            routine({ action: "zoom", region: top }),
          ],
        },
        {
          text: "All three are there: saving and closing.",
          actions: [
            routine({ action: "type", text: ":wq" }),
            consequential({ action: "key", text: "Return" }),
          ],
        },
        {
          text: "Checking that vim closed.",
          actions: [routine({ action: "wait", duration: 0.5 }), routine({ action: "screenshot" })],
        },
        {
          text: "Showing the saved file.",
          actions: [
            routine({ action: "type", text: "cat notes.md" }),
            consequential({ action: "key", text: "Return" }),
          ],
        },
        { text: "Reading it.", actions: [routine({ action: "zoom", region: top })] },
      ],
      finalText: "notes.md now lists the three errands under its heading.",
      async verify() {
        const problems: string[] = [];
        const saved = readTextFile(join(shell.dir, "notes.md"));
        const wanted = `${before}${items.join("\n")}\n`;
        if (saved !== wanted) problems.push(`notes.md holds ${JSON.stringify(saved)}`);
        if (existsSync(join(shell.dir, ".notes.md.swp")))
          problems.push("vim's swap file is still there: vim did not close");
        const shown = `$ cat notes.md\n${wanted}`;
        if (!shell.transcript().includes(shown))
          problems.push("`cat notes.md` never showed the file");
        return problems;
      },
      close: () => shell.close(),
    };
  },
};
