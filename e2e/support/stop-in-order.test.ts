import { describe, expect, it } from "vitest";
import { stopInOrder } from "./stop-in-order.ts";

describe("stopInOrder", () => {
  it("runs the steps one after another, in order, skipping parts that never started", async () => {
    const stopped: string[] = [];
    const step = (name: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, name === "bot" ? 20 : 0));
      stopped.push(name);
    };
    await stopInOrder([step("bot"), undefined, step("slack"), step("redis")]);
    expect(stopped).toEqual(["bot", "slack", "redis"]);
  });

  it("still runs every later step when one throws, then throws that error", async () => {
    const stopped: string[] = [];
    const broken = new Error("the bot would not stop");
    const run = stopInOrder([
      async () => {
        throw broken;
      },
      async () => void stopped.push("harness"),
      async () => void stopped.push("redis"),
    ]);
    await expect(run).rejects.toBe(broken);
    expect(stopped).toEqual(["harness", "redis"]);
  });

  it("throws every failure, in order, when more than one step throws", async () => {
    const first = new Error("bot");
    const second = new Error("slack");
    const stopped: string[] = [];
    const error = await stopInOrder([
      async () => {
        throw first;
      },
      async () => {
        throw second;
      },
      async () => void stopped.push("redis"),
    ]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([first, second]);
    expect(stopped).toEqual(["redis"]);
  });
});
