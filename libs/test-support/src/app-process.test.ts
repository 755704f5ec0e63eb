import { describe, expect, it } from "vitest";
import { AppProcess, waitFor } from "./app-process.ts";

describe("AppProcess", () => {
  it("collects output lines and waits for one", async () => {
    const app = new AppProcess({
      command: "sh",
      args: ["-c", "echo starting; sleep 0.1; echo ready on 1234; sleep 30"],
      env: process.env,
      label: "sh",
    }).start();
    expect(await app.waitForLine(/ready on (\d+)/)).toBe("ready on 1234");
    await app.kill();
    expect(app.exited?.signal).toBe("SIGKILL");
    expect(app.lines).toEqual(["starting", "ready on 1234"]);
  });

  it("stops the whole process group gracefully", async () => {
    const app = new AppProcess({
      command: "sh",
      args: ["-c", "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 0.05; done"],
      env: process.env,
      label: "sh",
    }).start();
    await app.waitForLine(/up/);
    await app.stop();
    expect(app.output()).toContain("bye");
  });

  it("reports a process that exits before the line appears", async () => {
    const app = new AppProcess({
      command: "sh",
      args: ["-c", "echo oops; exit 3"],
      env: process.env,
      label: "sh",
    }).start();
    await expect(app.waitForLine(/never/, 2_000)).rejects.toThrow(/exited .*"code":3/);
  });
});

describe("waitFor", () => {
  it("returns the first truthy value", async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? calls : undefined))).toBe(3);
  });
});
