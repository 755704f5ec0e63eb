import { describe, expect, it } from "vitest";
import { validateToolInput } from "./validate-tool-input.ts";

const screen = { width: 1280, height: 800 };

describe("validating the model's tool input", () => {
  it("accepts a well-formed action inside the screen", () => {
    expect(validateToolInput({ action: "left_click", coordinate: [1279, 799] }, screen)).toEqual({
      ok: true,
      action: { action: "left_click", coordinate: [1279, 799] },
    });
    expect(validateToolInput({ action: "zoom", region: [0, 0, 1280, 800] }, screen).ok).toBe(true);
  });

  it.each([
    [{ action: "teleport" }, /unknown action 'teleport'; valid actions: key, type/],
    [{}, /missing action/],
    ["left_click", /missing action/],
    [{ action: "left_click", coordinate: [1280, 0] }, /coordinate \[1280, 0\] is outside/],
    [{ action: "mouse_move" }, /invalid mouse_move input/],
    [{ action: "scroll", scroll_direction: "sideways", scroll_amount: 3 }, /invalid scroll input/],
    [{ action: "zoom", region: [0, 0, 1281, 10] }, /region end \[1280, 9\] is outside/],
    [{ action: "type", text: "" }, /invalid type input/],
  ])("rejects %j", (input, message) => {
    const result = validateToolInput(input, screen);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(message);
  });
});
