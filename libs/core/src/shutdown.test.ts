import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { ShutdownSequence, settleWithin } from "./shutdown.ts";

function captured() {
  const lines: Array<{ level: string; msg: string; part?: string }> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug", destination }) };
}

describe("ShutdownSequence", () => {
  it("closes parts in reverse order, past one that fails and one that never finishes", async () => {
    const { lines, logger } = captured();
    const closed: string[] = [];
    const shutdown = new ShutdownSequence(logger);
    shutdown.add("redis", async () => void closed.push("redis"));
    shutdown.add("queue workers", () => new Promise<void>(() => undefined), 50);
    shutdown.add("health", async () => {
      throw new Error("port already closed");
    });
    shutdown.add("slack", async () => void closed.push("slack"));
    await shutdown.close();
    expect(closed).toEqual(["slack", "redis"]);
    expect(lines.map((l) => `${l.level} ${l.part}: ${l.msg}`)).toEqual([
      "debug slack: closed",
      "error health: close failed",
      "warn queue workers: did not close in time; going on without it",
      "debug redis: closed",
    ]);
    // Closing again is the same close.
    await shutdown.close();
    expect(closed).toEqual(["slack", "redis"]);
  });
});

describe("settleWithin", () => {
  it("gives the value when it comes in time, undefined when it does not", async () => {
    expect(await settleWithin(Promise.resolve(7), 50)).toBe(7);
    expect(await settleWithin(new Promise(() => undefined), 20)).toBeUndefined();
    await expect(settleWithin(Promise.reject(new Error("no")), 50)).rejects.toThrow("no");
  });
});
