import { initialInputState } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { describeAction } from "./describe-action.ts";

describe("describing what an action will do", () => {
  it("names Enter and Tab inside typed text, and counts them", () => {
    expect(describeAction({ action: "type", text: "ls -la\n" })).toMatchObject({
      title: "Type 6 characters, then press Enter ⏎",
      typed: "ls -la\n",
    });
    expect(describeAction({ action: "type", text: "a\tb\nc\n" }).title).toBe(
      "Type 3 characters, pressing Enter ⏎ 2 times, Tab ⇥ 1 time",
    );
  });

  it("names keys by their canonical name, whatever the spelling, and what works as Enter", () => {
    expect(describeAction({ action: "key", text: "meta+l" }).title).toBe("Press Super+L");
    expect(describeAction({ action: "key", text: "control_l+alt+Delete" }).title).toBe(
      "Press Ctrl+Alt+Delete",
    );
    const ctrlM = describeAction({ action: "key", text: "ctrl+m" });
    expect(ctrlM.notes.join(" ")).toMatch(/Ctrl\+M works as Enter ⏎/);
    const typing = describeAction({ action: "key", text: "s u d o space l s Return" });
    expect(typing.typed).toBe("sudo ls\n");
    expect(typing.notes).toContain("These keys type the text below.");
  });

  it("says what key repeat does while a key is held", () => {
    const held = describeAction({ action: "hold_key", text: "a", duration: 2 });
    expect(held.title).toBe("Hold A for 2 s");
    expect(held.typed).toBe("a".repeat(35));
    expect(held.notes.join(" ")).toMatch(/Key repeat presses it 35 times/);
    expect(
      describeAction({ action: "hold_key", text: "ctrl", duration: 2 }).notes.join(" "),
    ).toMatch(/Modifiers alone type nothing/);
  });

  it("states keys held during a click, and what a held letter types", () => {
    expect(
      describeAction({ action: "left_click", coordinate: [10, 20], text: "shift" }).title,
    ).toBe("Left click at (10, 20) while holding Shift");
    const letter = describeAction({ action: "left_click", coordinate: [10, 20], text: "a" });
    expect(letter.typed).toBe("a");
    expect(letter.notes.join(" ")).toMatch(/Holding A also presses it once/);
  });

  it("resolves 'at the pointer' and calls a move with the button held a drag", () => {
    const input = { ...initialInputState, pointer: [412, 88] as [number, number] };
    expect(describeAction({ action: "left_click" }, input).title).toBe(
      "Left click at the pointer, now at (412, 88)",
    );
    expect(describeAction({ action: "left_click" }).title).toBe(
      "Left click at the pointer (its position is unknown)",
    );
    const held = { ...input, leftButtonHeld: true };
    expect(describeAction({ action: "mouse_move", coordinate: [600, 300] }, held).title).toBe(
      "Move the pointer to (600, 300) with the left button held — a drag from (412, 88)",
    );
  });
});

describe("a key card lists every key", () => {
  it("names every combination of a long sequence, the last ones included", () => {
    const keys = [
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
      "Tab",
    ];
    const text = [...keys, "ctrl+x", "ctrl+e"].join(" ");
    const title = describeAction({ action: "key", text }).title;
    expect(title).toContain("Ctrl+X");
    expect(title).toContain("Ctrl+E");
    expect(title).not.toMatch(/more/);
  });

  it("says how often a repeated sequence runs, and names what may submit", () => {
    const described = describeAction({ action: "key", text: "Down ctrl+x", repeat: 20 });
    expect(described.title).toMatch(/↓, Ctrl\+X/);
    expect(described.title).toMatch(/20 times/);
    expect(described.notes.join(" ")).toMatch(/Ctrl\+X may work as Enter ⏎/);
  });
});

describe("what an Enter sends", () => {
  const known = { ...initialInputState, lineUnknown: false };
  it("shows the line typed since the last Enter, exactly, for Enter and what may act as it", () => {
    const typed = { ...known, line: "rm -rf ~/build", lastChange: "type" as const };
    expect(describeAction({ action: "key", text: "Return" }, typed).submits).toEqual({
      how: "surely",
      lines: ["rm -rf ~/build"],
      partial: false,
    });
    expect(describeAction({ action: "key", text: "ctrl+v" }, typed).submits).toMatchObject({
      how: "maybe",
      lines: ["rm -rf ~/build"],
    });
    // Keys typed before the Enter in the same action are part of what it sends.
    expect(describeAction({ action: "key", text: "l s Return" }, known).submits).toMatchObject({
      lines: ["ls"],
      partial: false,
    });
  });
  it("says when the line holds text nobody saw, and says nothing for an empty known line", () => {
    expect(describeAction({ action: "key", text: "Return" }, initialInputState).submits).toEqual({
      how: "surely",
      lines: [""],
      partial: true,
    });
    const clicked = describeAction(
      { action: "key", text: "Return" },
      { ...known, line: "ls", lineUnknown: true },
    );
    expect(clicked.submits).toMatchObject({ lines: ["ls"], partial: true });
    expect(describeAction({ action: "key", text: "Return" }, known).submits).toBeUndefined();
    expect(
      describeAction({ action: "key", text: "Tab" }, { ...known, line: "ls" }).submits,
    ).toBeUndefined();
    expect(describeAction({ action: "type", text: "ls\n" }, known).submits).toBeUndefined();
  });
});
