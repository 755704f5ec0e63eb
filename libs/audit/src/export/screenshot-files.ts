import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "@deskgate/core";
import { sha256Hex } from "../chain/record-hash.ts";
import type { ExportRecord } from "./export-record.ts";

/** `png`, `jpg` or `bin`, from the bytes' signature. */
export function imageExtension(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "jpg";
  return "bin";
}

/**
 * Writes the screenshots `records` refer to into `dir` as `<sha256>.<ext>`, each checked
 * against its hash first and written whole (temporary file, then rename). Files already
 * there are kept; screenshots retention removed are skipped. Returns how many were written.
 */
export async function writeScreenshotFiles(
  dir: string,
  records: readonly ExportRecord[],
  read: (runId: string, sha256: string) => Promise<Buffer | undefined>,
): Promise<number> {
  await mkdir(dir, { recursive: true });
  let written = 0;
  for (const record of records) {
    for (const sha of record.screenshots) {
      if (["png", "jpg", "bin"].some((ext) => existsSync(join(dir, `${sha}.${ext}`)))) continue;
      const bytes = await read(record.runId, sha);
      if (!bytes) continue;
      if (sha256Hex(bytes) !== sha) {
        throw new AppError(
          "audit_screenshot_changed",
          `screenshot ${sha} of record ${record.id} (${record.runId}) does not match its hash; run verify`,
        );
      }
      const path = join(dir, `${sha}.${imageExtension(bytes)}`);
      await writeFile(`${path}.partial`, bytes);
      await rename(`${path}.partial`, path);
      written += 1;
    }
  }
  return written;
}
