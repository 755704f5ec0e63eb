import { type ComputerAction, computerActionNames, maxTypeTextLength } from "@deskgate/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKeySequence } from "./key-combo.ts";
import { validateAction } from "./validate-action.ts";

const screen = { width: 1280, height: 720 };

describe("validateAction", () => {
  it("accepts in-range actions", () => {
    expect(validateAction({ action: "left_click", coordinate: [1279, 719] }, screen)).toMatchObject(
      { ok: true },
    );
    expect(validateAction({ action: "key", text: "ctrl+shift+t" }, screen)).toMatchObject({
      ok: true,
    });
    expect(validateAction({ action: "zoom", region: [0, 0, 1280, 720] }, screen)).toMatchObject({
      ok: true,
    });
  });

  it.each([
    [{ action: "teleport" }, /^unknown action 'teleport'; valid actions: key, type, mouse_move/],
    [{}, /^missing action; valid actions: key/],
    ["left_click", /^missing action/],
    [{ action: 7 }, /^missing action/],
    [
      { action: "left_click", coordinate: [1280, 10] },
      /coordinate \[1280, 10\] is outside the 1280×720 screen/,
    ],
    [
      { action: "left_click_drag", start_coordinate: [5, 900], coordinate: [1, 1] },
      /start_coordinate \[5, 900\]/,
    ],
    [{ action: "zoom", region: [0, 0, 1281, 10] }, /region end/],
    [{ action: "mouse_move" }, /invalid mouse_move input: coordinate: /],
    [{ action: "key", text: "ctrl+Hyperr" }, /unknown key 'Hyperr' in 'ctrl\+Hyperr'/],
    [{ action: "type", text: "rm -rf /\u001b[A" }, /control characters/],
    [{ action: "type", text: "ls\u0003" }, /control characters/],
    [{ action: "type", text: "ls\r" }, /control characters/],
    [{ action: "type", text: "caf\u0085e" }, /control characters/],
    [{ action: "type", text: "a\ud800b" }, /not well-formed Unicode/],
    [{ action: "key", text: "ctrl+Shft+s" }, /unknown key 'Shft' in 'ctrl\+Shft\+s'/],
    [{ action: "left_click", coordinate: [1, 1], text: "\udfff" }, /not well-formed Unicode/],
    [{ action: "scroll", scroll_direction: "sideways", scroll_amount: 3 }, /invalid scroll input/],
    [{ action: "zoom", region: [0, 0, 1281, 10] }, /region end \[1280, 9\] is outside/],
    [{ action: "scroll", scroll_direction: "down", scroll_amount: -3 }, /scroll_amount/],
    [{ action: "type", text: "x".repeat(1_000_000) }, /text/],
    [{ action: "type", text: "" }, /invalid type input: text/],
    [
      { action: "mouse_move", coordinate: [2000, 10] },
      /^coordinate \[2000, 10\] is outside the 1280×720 screen/,
    ],
    [
      {
        action: "scroll",
        coordinate: [1, 1],
        scroll_direction: "down",
        scroll_amount: 2,
        text: "ctrl+nope",
      },
      /held keys: unknown key 'nope'/,
    ],
    [
      { action: "left_click", coordinate: [10, 10], text: "hyper" },
      /held keys: unknown key 'hyper'/,
    ],
  ])("refuses %j", (input, message) => {
    const result = validateAction(input, screen);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("never lets random input through with a point outside the screen", () => {
    const coordinate = fc.tuple(
      fc.integer({ min: -5, max: 3000 }),
      fc.integer({ min: -5, max: 3000 }),
    );
    const candidate = fc.oneof(
      fc.anything(),
      fc.record({
        action: fc.constantFrom(...computerActionNames, "nope"),
        coordinate: fc.oneof(coordinate, fc.anything()),
        start_coordinate: coordinate,
        text: fc.oneof(
          fc.string(),
          fc.constantFrom("ctrl+s", "Return", "shift", "ctrl+Hyperr", "a\u0007b", "ok\n"),
          fc.constantFrom("\ud800", "ok\udc00", "\u0085", "\u202e"),
        ),
        region: fc.tuple(fc.nat(1500), fc.nat(900), fc.nat(1500), fc.nat(900)),
        scroll_direction: fc.constantFrom("up", "down", "sideways"),
        scroll_amount: fc.integer({ min: -5, max: 60 }),
        duration: fc.double({ min: -1, max: 100 }),
      }),
    );
    fc.assert(
      fc.property(candidate, (input) => {
        const result = validateAction(input, screen);
        if (!result.ok) return;
        expectActuatable(result.action);
      }),
      { numRuns: 3_000 },
    );
  });
});

/** What the adapter relies on: every point and region on screen, every key known. */
function expectActuatable(action: ComputerAction): void {
  const fields = action as Record<string, unknown>;
  for (const field of ["coordinate", "start_coordinate"]) {
    const point = fields[field] as [number, number] | undefined;
    if (!point) continue;
    expect(Number.isInteger(point[0]) && Number.isInteger(point[1])).toBe(true);
    expect(point[0]).toBeGreaterThanOrEqual(0);
    expect(point[1]).toBeGreaterThanOrEqual(0);
    expect(point[0]).toBeLessThan(screen.width);
    expect(point[1]).toBeLessThan(screen.height);
  }
  if (action.action === "zoom") {
    const [x0, y0, x1, y1] = action.region;
    expect(x0 < x1 && y0 < y1 && x1 <= screen.width && y1 <= screen.height).toBe(true);
  }
  if (action.action === "key" || action.action === "hold_key")
    expect(parseKeySequence(action.text).ok).toBe(true);
  if (action.action === "type") {
    expect(action.text.length).toBeGreaterThan(0);
    expect(action.text.length).toBeLessThanOrEqual(maxTypeTextLength);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the forbidden set itself
    expect(action.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  }
  if ("text" in action && action.text !== undefined) {
    expect(action.text.isWellFormed()).toBe(true);
  }
}
