import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  captureScreenBaseline,
  compareScreenBaseline,
  defaultScreenChangeLimits,
} from "./screen-baseline.ts";
import { screenDifference } from "./screen-difference.ts";

const size = { width: 1280, height: 720 };

/** A desktop with a small dialog: its question and its one button, the click target. */
async function dialog(
  question: string,
  button: string,
  caret = false,
  typed = "",
  questionY = 290,
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">
    <rect width="100%" height="100%" fill="#2b5d8a"/>
    <rect x="20" y="20" width="500" height="300" fill="#f0f0f0"/>
    <text x="40" y="60" font-family="DejaVu Sans" font-size="14">Documents — 1,204 files</text>
    <rect x="490" y="250" width="300" height="130" fill="#e8e8e8" stroke="#888"/>
    <text x="505" y="${questionY}" font-family="DejaVu Sans" font-size="14">${question}</text>
    <rect x="690" y="335" width="80" height="28" fill="#dcdcdc" stroke="#666"/>
    <text x="705" y="354" font-family="DejaVu Sans" font-size="14">${button}</text>
    ${caret ? '<rect x="300" y="100" width="2" height="16" fill="#000"/>' : ""}
    <text x="660" y="322" font-family="DejaVu Sans" font-size="14">${typed}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const target: [number, number] = [730, 349];

describe("the screen an approver saw", () => {
  it("sees a dialog under the click change even when the whole screen barely does", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const now = await dialog("Delete ALL files permanently?", "Delete");
    // The whole-screen measure alone misses it.
    expect(await screenDifference(seen, now)).toBeLessThan(defaultScreenChangeLimits.wholeScreen);
    const comparison = await compareScreenBaseline(
      await captureScreenBaseline(seen, [target]),
      now,
    );
    expect(comparison).toMatchObject({ changed: true, where: "around the target at (730, 349)" });
    expect(comparison.difference).toBeGreaterThan(defaultScreenChangeLimits.aroundTarget);
  });

  it("takes an unchanged screen, and a blinking caret elsewhere, as unchanged", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const baseline = await captureScreenBaseline(seen, [target]);
    expect(await compareScreenBaseline(baseline, seen)).toMatchObject({
      changed: false,
      difference: 0,
    });
    const blink = await dialog("Keep the selected files?", "Keep", true);
    expect((await compareScreenBaseline(baseline, blink)).changed).toBe(false);
  });

  it("sees a whole-screen change with no target, and a screen of another size", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const other = await sharp({ create: { ...size, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
    const baseline = await captureScreenBaseline(seen, []);
    expect(await compareScreenBaseline(baseline, other)).toMatchObject({
      changed: true,
      where: "the whole screen",
    });
    const small = await sharp(seen).resize(640, 360).png().toBuffer();
    expect((await compareScreenBaseline(baseline, small)).changed).toBe(true);
  });

  it("keeps a baseline of a few KB, crops inside the screen at its edges", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const baseline = await captureScreenBaseline(seen, [
      [0, 0],
      [1279, 719],
      [0, 0],
    ]);
    expect(baseline.crops).toHaveLength(2);
    expect(baseline.crops[1]).toMatchObject({ left: 1120, top: 620, width: 160, height: 100 });
    expect(JSON.stringify(baseline).length).toBeLessThan(50_000);
  });
});

describe("a later step of an approved plan", () => {
  const spots = { spotsOnly: true } as const;

  it("compares only the spot it acts on: typing nearby, as planned, does not stop it", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    // Step 1 typed into a field 27 px above the button step 2 clicks.
    const typedNearby = await dialog("Keep the selected files?", "Keep", false, "yes, keep them");
    const baseline = await captureScreenBaseline(seen, [target]);
    expect((await compareScreenBaseline(baseline, typedNearby, undefined, [target])).changed).toBe(
      true,
    );
    // Step 1 acted on the field, where the text went.
    const planned = { ...spots, planned: [[700, 316]] as Array<[number, number]> };
    expect(
      await compareScreenBaseline(baseline, typedNearby, undefined, [target], planned),
    ).toMatchObject({ changed: false });
  });

  it("takes typing anywhere in the window an earlier step's keys went to as planned", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const typedNearby = await dialog("Keep the selected files?", "Keep", false, "yes, keep them");
    const baseline = await captureScreenBaseline(seen, [target]);
    // Step 1 typed into the dialog (a Tab may have taken the text anywhere in it).
    const dialogWindow = { ...spots, plannedAreas: [[490, 250, 300, 130] as const] };
    expect(
      await compareScreenBaseline(baseline, typedNearby, undefined, [target], dialogWindow),
    ).toMatchObject({ changed: false });
  });

  it("stops when the dialog its click answers is reworded, its button unchanged", async () => {
    const seen = await dialog("Keep the selected files?", "Keep", false, "", 335);
    const baseline = await captureScreenBaseline(seen, [target]);
    const reworded = await dialog("Delete ALL files permanently?", "Keep", false, "", 335);
    // Step 1 acted far away: nothing near the dialog was planned to change.
    const farAway = { ...spots, planned: [[100, 600]] as Array<[number, number]> };
    expect(
      await compareScreenBaseline(baseline, reworded, undefined, [target], farAway),
    ).toMatchObject({ changed: true, where: "around the target at (730, 349)" });
  });

  it("stops when the button it clicks is another one now", async () => {
    const baseline = await captureScreenBaseline(await dialog("Keep the selected files?", "Keep"), [
      target,
    ]);
    const swapped = await dialog("Keep the selected files?", "Delete");
    expect(
      await compareScreenBaseline(baseline, swapped, undefined, [target], spots),
    ).toMatchObject({
      changed: true,
      where: "around the target at (730, 349)",
    });
  });

  it("fails closed on a target nothing was kept around", async () => {
    const seen = await dialog("Keep the selected files?", "Keep");
    const baseline = await captureScreenBaseline(seen, [target]);
    expect(
      await compareScreenBaseline(baseline, seen, undefined, [[100, 600]], spots),
    ).toMatchObject({
      changed: true,
      difference: 1,
    });
  });
});
