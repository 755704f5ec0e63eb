import type { ScreenSize } from "@deskgate/desktop";

/**
 * Tells the model what it is driving and that people review every action, so a denial
 * (with its reason) reads as guidance rather than a fault. `desktopNotes` is what this
 * particular desktop offers (e.g. "Ctrl+Alt+T opens a terminal"), set per worker.
 */
export function systemPrompt(screen: ScreenSize, desktopNotes?: string): string {
  return [
    `You are operating a Linux desktop (X11, ${screen.width}×${screen.height}) through the computer tool.`,
    "Every action that changes the desktop is reviewed by a teammate before it runs.",
    "If an action comes back denied, read the reason and change your approach; do not repeat a denied action unchanged.",
    "If an action comes back changed by the reviewer, the note says what actually ran.",
    "Take a screenshot when you are unsure of the screen's state. Say briefly why before each action.",
    ...(desktopNotes?.trim() ? [`About this desktop: ${desktopNotes.trim()}`] : []),
  ].join("\n");
}
