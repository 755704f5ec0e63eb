import { describe, expect, it } from "vitest";
import {
  computerToolFor,
  computerToolVersions,
  imageTiers,
  modelToolTable,
} from "./tool-versions.ts";

describe("the model → computer tool table", () => {
  it.each([
    ["claude-sonnet-4-6", "computer_20251124"],
    ["claude-opus-4-5-20251101", "computer_20251124"],
    ["claude-opus-5", "computer_20251124"],
    ["claude-sonnet-4-5-20250929", "computer_20250124"],
    ["claude-haiku-4-5", "computer_20250124"],
    ["claude-opus-4-1-20250805", "computer_20250124"],
    ["claude-3-7-sonnet-latest", "computer_20250124"],
    ["claude-3-5-sonnet-20241022", "computer_20241022"],
    ["claude-opus-5-5", "computer_toolset_20260801"],
  ])("gives %s the %s tool", (model, type) => {
    expect(computerToolFor(model)).toMatchObject({ tool: { type }, known: true });
  });

  it("never takes a newer family for an older one that prefixes it", () => {
    expect(computerToolFor("claude-opus-5-5").tool.type).toBe("computer_toolset_20260801");
    expect(computerToolFor("claude-opus-4-5").tool.type).toBe("computer_20251124");
    expect(computerToolFor("claude-opus-4").tool.type).toBe("computer_20250124");
    expect(computerToolFor("claude-opus-5-6").known).toBe(false);
  });

  it("offers an unknown model the newest beta tool, marked unknown", () => {
    expect(computerToolFor("claude-next")).toEqual({
      tool: computerToolVersions.computer_20251124,
      images: imageTiers.standard,
      context: "client",
      thinking: false,
      known: false,
    });
  });

  it("lets an override win over the table", () => {
    expect(computerToolFor("claude-sonnet-4-6", "computer_20250124").tool.betaFlag).toBe(
      "computer-use-2025-01-24",
    );
  });

  it("keeps beta flags on every beta tool and none on the GA toolset", () => {
    for (const version of Object.values(computerToolVersions)) {
      const ga = version.type.startsWith("computer_toolset");
      expect(version.betaFlag === undefined).toBe(ga);
    }
    const families = modelToolTable.flatMap((row) => row.families);
    expect(new Set(families).size).toBe(families.length);
  });

  it.each([
    ["claude-opus-5-5", "server"],
    ["claude-sonnet-5-5-20260901", "server"],
    ["claude-fable-5-1", "server"],
    ["claude-haiku-5-5", "client"],
    ["claude-sonnet-4-6", "client"],
  ] as const)("leaves the clearing of old screenshots of %s to the %s", (model, context) => {
    expect(computerToolFor(model).context).toBe(context);
  });

  it("asks for summarised thinking only from models with adaptive thinking", () => {
    expect(computerToolFor("claude-sonnet-4-6").thinking).toBe(true);
    expect(computerToolFor("claude-opus-5-5").thinking).toBe(true);
    expect(computerToolFor("claude-opus-4-5").thinking).toBe(false);
    expect(computerToolFor("claude-haiku-4-5").thinking).toBe(false);
  });

  it("gives each model its image tier", () => {
    expect(computerToolFor("claude-opus-4-7").images).toEqual(imageTiers.high);
    expect(computerToolFor("claude-sonnet-4-6").images).toEqual(imageTiers.standard);
    expect(computerToolFor("claude-opus-5-5", "computer_20251124")).toMatchObject({
      tool: { type: "computer_20251124" },
      context: "server",
      images: imageTiers.high,
    });
  });
});
