import type { ComputerAction } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { type DesktopInputState, initialInputState } from "./input-state.ts";
import { formatCombo } from "./key-combo.ts";
import { planEffects } from "./plan-effects.ts";
import { deletedText, lineReadings, sentText } from "./typed-line.ts";

const state = (partial: Partial<DesktopInputState> = {}): DesktopInputState => ({
  ...initialInputState,
  ...partial,
});

/** Effects as short strings: "type:ls", "key:return", "left_click@(5,5)". */
function summary(action: ComputerAction, before = state()): string[] {
  return planEffects(action, before).effects.map((effect) => {
    const what = effect.combo ? formatCombo(effect.combo) : (effect.text ?? "");
    const where = effect.points?.length ? `@${effect.points.map((p) => `(${p})`).join("→")}` : "";
    const times = effect.presses && effect.presses > 1 ? `×${effect.presses}` : "";
    const held = effect.held ? `+held:${formatCombo(effect.held)}` : "";
    return `${effect.kind}:${what}${times}${where}${held}`;
  });
}

describe("planEffects", () => {
  it("types text, pressing Return for a newline and Tab for a tab", () => {
    expect(summary({ action: "type", text: "one\ntwo\tthree\n" })).toEqual([
      "type:one",
      "key:return",
      "type:two",
      "key:tab",
      "type:three",
      "key:return",
    ]);
  });

  it("reads letters pressed as keys as typing, and a shortcut as a key", () => {
    expect(summary({ action: "key", text: "s u d o space ctrl+c Return" })).toEqual([
      "type:s",
      "type:u",
      "type:d",
      "type:o",
      "type:space",
      "key:ctrl+c",
      "key:return",
    ]);
  });

  it("presses a key sequence `repeat` times", () => {
    expect(summary({ action: "key", text: "Tab", repeat: 3 })).toEqual([
      "key:tab",
      "key:tab",
      "key:tab",
    ]);
  });

  it("counts key repeat while a key is held", () => {
    const [effect] = planEffects({ action: "hold_key", text: "a", duration: 2 }, state()).effects;
    expect(effect).toMatchObject({ kind: "type", presses: 35, text: "a".repeat(35), seconds: 2 });
    expect(summary({ action: "hold_key", text: "ctrl", duration: 2 })).toEqual(["hold_key:ctrl"]);
    expect(summary({ action: "hold_key", text: "Return", duration: 1 })).toEqual(["key:return×10"]);
  });

  it("resolves pointer-relative actions to the pointer, and types letters held during a click", () => {
    const at = state({ pointer: [40, 50] });
    expect(summary({ action: "left_click" }, at)).toEqual(["left_click:@(40,50)"]);
    expect(summary({ action: "left_click", coordinate: [1, 2], text: "shift+a" }, at)).toEqual([
      "type:shift+a",
      "left_click:@(1,2)+held:shift+a",
    ]);
    expect(
      summary({ action: "scroll", scroll_direction: "up", scroll_amount: 2, text: "ctrl" }, at),
    ).toEqual(["scroll:@(40,50)+held:ctrl"]);
    const unknown = planEffects({ action: "left_click" }, state()).effects[0];
    expect(unknown).toMatchObject({ kind: "left_click", points: [], unknownPoint: true });
  });

  it("reads a move with the left button held as a drag", () => {
    const down = planEffects({ action: "left_mouse_down", coordinate: [10, 10] }, state());
    expect(down.after).toMatchObject({ leftButtonHeld: true, pointer: [10, 10] });
    expect(summary({ action: "mouse_move", coordinate: [90, 90] }, down.after)).toEqual([
      "left_click_drag:@(10,10)→(90,90)",
    ]);
    expect(summary({ action: "left_mouse_up", coordinate: [95, 95] }, down.after)).toEqual([
      "left_click_drag:@(10,10)→(95,95)",
      "left_mouse_up:@(95,95)",
    ]);
    expect(summary({ action: "mouse_move", coordinate: [90, 90] })).toEqual([
      "mouse_move:@(90,90)",
    ]);
  });

  it("keeps the typed line across actions and clears it only on Enter", () => {
    let input = state();
    for (const text of ["su", "do l"]) input = planEffects({ action: "type", text }, input).after;
    expect(input.line).toBe("sudo l");
    const enter = planEffects({ action: "key", text: "s Return" }, input);
    expect(enter.effects.at(-1)).toMatchObject({
      kind: "key",
      line: "sudo ls\n",
      typedBefore: true,
    });
    // Where the window is not known to be a terminal, the field may keep what Enter sent.
    expect(enter.after).toMatchObject({ line: `sudo ls${sentText}`, lineUnknown: false });
    const xterm = { id: "1", title: "bash", className: "XTerm" };
    const typedInTerminal = planEffects({ action: "type", text: "ls" }, state({ window: xterm }));
    const inTerminal = planEffects({ action: "key", text: "Return" }, typedInTerminal.after);
    expect(inTerminal.after).toMatchObject({ line: "", lineUnknown: false });
    // Text typed in another window stays in its field: a terminal's Enter keeps it.
    const elsewhere = planEffects({ action: "key", text: "Return" }, { ...input, window: xterm });
    expect(elsewhere.after.line).toBe(`sudo l${sentText}`);
    // A field that kept `su` and gets `do`: read as `sudo`, and as `do` alone.
    const kept = ["su", "\n", "do"].reduce(
      (at, text) => planEffects({ action: "type", text }, at).after,
      state({
        lineUnknown: false,
        cursor: 0,
        window: { id: "2", title: "Search", className: "Firefox" },
      }),
    );
    expect(new Set(lineReadings(kept.line, []))).toEqual(new Set(["sudo", "do"]));
    // A click keeps what was typed and makes the line unknown: focus may have moved into
    // a field holding text, or the middle button pasted.
    const click = planEffects(
      { action: "left_click", coordinate: [1, 1] },
      state({ line: "su", lineUnknown: false }),
    );
    expect(click.after).toMatchObject({ line: "su", lineUnknown: true });
    expect(click.after.cursor).toBeUndefined();
  });

  it("edits the line as a line editor does, at the cursor", () => {
    const typed = (steps: ComputerAction[]) =>
      steps.reduce(
        (input, action) => planEffects(action, input).after,
        state({ lineUnknown: false, cursor: 0 }),
      ).line;
    const text = (t: string): ComputerAction => ({ action: "type", text: t });
    const key = (t: string): ComputerAction => ({ action: "key", text: t });
    expect(typed([text("do ls"), key("Home"), text("su")])).toBe("sudo ls");
    expect(typed([text("xsudo ls"), key("Home Delete")])).toBe("sudo ls");
    expect(typed([text("sudx"), key("ctrl+h"), text("o ls")])).toBe("sudo ls");
    expect(typed([text("ls"), key("Left Left"), text("sudo ")])).toBe("sudo ls");
    // With the cursor unknown, BackSpace may remove any one character: the line reads so.
    const deleted = planEffects(key("BackSpace"), state({ line: "lsx" })).after.line;
    expect(deleted).toBe(`lsx${deletedText}`);
    expect(lineReadings(deleted, [])).toEqual(expect.arrayContaining(["lsx", "sx", "lx", "ls"]));
    // Two BackSpaces there take out two characters in a row, not any two.
    const twice = planEffects(key("BackSpace BackSpace"), state({ line: "abc" })).after.line;
    expect(new Set(lineReadings(twice, []))).toEqual(new Set(["abc", "bc", "ac", "ab", "c", "a"]));
    // A click in between: the second deletion may be anywhere.
    const apart = planEffects(
      key("BackSpace"),
      planEffects(
        { action: "left_click", coordinate: [1, 1] },
        planEffects(key("BackSpace"), state({ line: "abc" })).after,
      ).after,
    ).after.line;
    expect(lineReadings(apart, [])).toContain("b");
    // History, completion, paste keys: the line is no longer known.
    for (const k of ["Up", "Tab", "ctrl+y", "shift+Insert", "ctrl+r"])
      expect(
        planEffects(key(k), state({ line: "ls", lineUnknown: false, cursor: 2 })).after.lineUnknown,
      ).toBe(true);
  });

  it("reads a click elsewhere with the left button held as a drag", () => {
    const down = state({ pointer: [100, 100], leftButtonHeld: true });
    expect(summary({ action: "left_click", coordinate: [900, 500] }, down)).toEqual([
      "left_click_drag:@(100,100)→(900,500)",
      "left_click:@(900,500)",
    ]);
  });

  it("remembers the last change; look-only steps and plain moves do not count", () => {
    let input = planEffects({ action: "type", text: "rm -rf ~/x" }, state()).after;
    for (const look of [
      { action: "wait", duration: 1 },
      { action: "screenshot" },
      { action: "zoom", region: [0, 0, 10, 10] },
      { action: "cursor_position" },
      { action: "mouse_move", coordinate: [3, 3] },
    ] as ComputerAction[])
      input = planEffects(look, input).after;
    const [enter] = planEffects({ action: "key", text: "Return" }, input).effects;
    expect(enter).toMatchObject({ kind: "key", after: "type" });
  });
});
