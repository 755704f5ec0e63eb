import { describe, expect, it } from "vitest";
import { ActionInterruptedError } from "./action-errors.ts";
import { typeText, typingSteps } from "./type-text.ts";

describe("typingSteps", () => {
  it("presses Return for a newline and Tab for a tab, one key each", () => {
    expect(typingSteps("one\ntwo\tthree")).toEqual([
      { kind: "text", text: "one", ascii: true },
      { kind: "key", key: "Return", text: "\n" },
      { kind: "text", text: "two", ascii: true },
      { kind: "key", key: "Tab", text: "\t" },
      { kind: "text", text: "three", ascii: true },
    ]);
  });

  it("types other characters one at a time, without splitting surrogate pairs", () => {
    expect(typingSteps("ab é😀c")).toEqual([
      { kind: "text", text: "ab ", ascii: true },
      { kind: "text", text: "é", ascii: false },
      { kind: "text", text: "😀", ascii: false },
      { kind: "text", text: "c", ascii: true },
    ]);
  });

  it("caps each ASCII run's length", () => {
    expect(typingSteps("x".repeat(120)).map((step) => step.text.length)).toEqual([50, 50, 20]);
  });
});

describe("typeText", () => {
  it("says how much was typed when xdotool fails part-way", async () => {
    const calls: string[][] = [];
    const error = await typeText(
      "caf\u00e9 ok",
      async (args) => {
        calls.push(args);
        if (args.at(-1) === "\u00e9") throw new Error("Invalid multi-byte sequence encountered");
      },
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionInterruptedError);
    expect((error as Error).message).toBe(
      'typing failed at "é" (Invalid multi-byte sequence encountered); typed 3 of 7 characters ("caf")',
    );
    expect(calls).toHaveLength(2);
  });

  it("stops between steps once the signal fires, and says so", async () => {
    const controller = new AbortController();
    const typed: string[] = [];
    const error = await typeText(
      "ab\ncd",
      async (args) => {
        typed.push(args.at(-1)!);
        if (typed.length === 2) controller.abort();
      },
      controller.signal,
    ).catch((e: unknown) => e);
    expect(typed).toEqual(["ab", "Return"]);
    expect(error).toMatchObject({
      reason: "stopped",
      message: 'the run was stopped; typed 3 of 5 characters ("ab\\n")',
    });
  });
});
