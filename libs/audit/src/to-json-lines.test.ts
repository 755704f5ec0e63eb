import { describe, expect, it } from "vitest";
import { sampleAuditEvents } from "./testing/sample-audit-events.ts";
import { toJsonLines } from "./to-json-lines.ts";

describe("toJsonLines", () => {
  it("writes one object per line with the record id first", () => {
    const [queued, started] = sampleAuditEvents("run_abc123");
    if (!queued || !started) throw new Error("samples missing");
    const text = toJsonLines([
      { id: "1-0", event: queued },
      { id: "2-0", event: started },
    ]);
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(Object.keys(JSON.parse(lines[0] ?? ""))[0]).toBe("id");
    expect(JSON.parse(lines[1] ?? "")).toEqual({ id: "2-0", ...started });
  });

  it("writes nothing for no records", () => {
    expect(toJsonLines([])).toBe("");
  });
});
