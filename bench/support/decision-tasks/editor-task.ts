import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNotesEditor } from "@deskgate/test-support/tk-notes-editor";
import { consequential, type DecisionTask, routine } from "./decision-task.ts";
import { readTextFile } from "./read-text-file.ts";
import { bandOf, centreOf, zoomRegionOf } from "./screen-box.ts";

const before = "# Errands\n- post the letters";
const items = ["- water the plants", "- call the bank", "- book the train", "- pay the rent"];
const later = " at 9am";

/**
 * A text editor (a real Tk program, "Notes"): add four lines at the end of notes.md, add a
 * time to one of them, save with ctrl+s, close with ctrl+q. Checked on disk (the file holds
 * the new lines) and by the editor (it was closed with nothing left unsaved).
 */
export const editorTask: DecisionTask = {
  name: "editor",
  prompt:
    "Add four errands to notes.md in the open editor — water the plants, call the bank at 9am, book the train, pay the rent — then save and close it",
  async open(display) {
    const dir = mkdtempSync(join(tmpdir(), "deskgate-bench-notes-"));
    const file = join(dir, "notes.md");
    writeFileSync(file, `${before}\n`);
    const editor = await startNotesEditor(display, file, "+40+40").catch((err: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    });
    const text = zoomRegionOf(editor.text);
    const top = zoomRegionOf(bandOf(editor.text, 0, 0.5));
    const lines = items.flatMap((item) => [
      routine({ action: "key", text: "Return" }),
      routine({ action: "type", text: item }),
    ]);
    return {
      turns: [
        { text: "Let me look at the screen.", actions: [routine({ action: "screenshot" })] },
        {
          text: "The editor shows notes.md; reading it.",
          actions: [routine({ action: "zoom", region: top })],
        },
        {
          text: "I'll go to the end of the file and add the four errands, one per line.",
          actions: [
            routine({ action: "left_click", coordinate: centreOf(editor.text) }),
            routine({ action: "key", text: "ctrl+End" }),
            ...lines,
          ],
        },
        { text: "Checking the new lines.", actions: [routine({ action: "zoom", region: top })] },
        {
          text: "The bank errand needs its time: up two lines, to its end, and add it.",
          actions: [
            routine({ action: "key", text: "Up" }),
            routine({ action: "key", text: "Up" }),
            routine({ action: "key", text: "End" }),
            routine({ action: "type", text: later }),
          ],
        },
        { text: "Reading it once more.", actions: [routine({ action: "zoom", region: text })] },
        { text: "Saving.", actions: [routine({ action: "key", text: "ctrl+s" })] },
        {
          text: "The title no longer shows a star: saved. Closing the editor.",
          actions: [
            routine({ action: "screenshot" }),
            consequential({ action: "key", text: "ctrl+q" }),
          ],
        },
        { text: "Checking it closed.", actions: [routine({ action: "screenshot" })] },
      ],
      finalText:
        "notes.md lists the four new errands (the bank at 9am); it is saved and the editor closed.",
      async verify() {
        const problems: string[] = [];
        const saved = readTextFile(file);
        const wanted = `${before}\n${items[0]}\n${items[1]}${later}\n${items[2]}\n${items[3]}\n`;
        if (saved !== wanted) problems.push(`notes.md holds ${JSON.stringify(saved)}`);
        const closed = editor.closed();
        if (!closed) problems.push("the editor was never closed with ctrl+q");
        else if (closed.unsaved) problems.push("the editor was closed with unsaved changes");
        return problems;
      },
      close: async () => {
        await editor.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
