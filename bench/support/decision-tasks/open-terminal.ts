import { windowGeometry } from "@deskgate/test-support/x-probe";
import { startXtermShell, type XtermShell } from "../../../e2e/support/xterm-shell.ts";
import type { ScreenBox } from "./screen-box.ts";

/**
 * The terminal the terminal and editor tasks run in: an xterm with bash in a directory of
 * its own at the top left of `display`, its output recorded, and where its window really is.
 */
export async function openTerminal(
  display: string,
  title: string,
): Promise<{ shell: XtermShell; window: ScreenBox }> {
  const shell = await startXtermShell(display, {
    geometry: "100x30+0+0",
    title,
    transcript: true,
  });
  try {
    return { shell, window: await windowGeometry(display, title) };
  } catch (err) {
    await shell.close();
    throw err;
  }
}
