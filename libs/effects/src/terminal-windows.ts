/**
 * Window classes (WM_CLASS class part, compared without case) of terminal emulators: there
 * an Enter runs the shell's line and the next one starts empty. Anywhere else a field may
 * keep what Enter sent (`sentLine`). A program chooses its class, not a web page, so a page
 * cannot pass for a terminal; a terminal missing here is read as a field that may keep its
 * text, which only reads more.
 */
const terminalClasses: ReadonlySet<string> = new Set([
  "xterm",
  "uxterm",
  "urxvt",
  "rxvt",
  "gnome-terminal",
  "gnome-terminal-server",
  "org.gnome.terminal",
  "org.gnome.console",
  "kgx",
  "konsole",
  "xfce4-terminal",
  "mate-terminal",
  "lxterminal",
  "qterminal",
  "terminator",
  "tilix",
  "alacritty",
  "kitty",
  "foot",
  "wezterm",
  "org.wezfurlong.wezterm",
  "st",
  "st-256color",
  "sakura",
  "terminology",
  "guake",
  "tilda",
  "yakuake",
]);

/** Whether a window of this class is a terminal emulator. */
export function isTerminalClass(className: string | undefined): boolean {
  return className !== undefined && terminalClasses.has(className.toLowerCase());
}
