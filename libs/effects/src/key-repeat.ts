/**
 * X server key repeat as an X.Org server starts (`xset q`: "auto repeat delay: 660
 * repeat rate: 25"): a key held longer than the delay is pressed again 25 times a second.
 * Measured here: `hold_key a` for 2 s typed 35 "a"s (1 + 34 repeats).
 * https://www.x.org/releases/current/doc/man/man1/xset.1.xhtml
 */
export const keyRepeatDelayMs = 660;
export const keyRepeatIntervalMs = 40;

/** How many times a non-modifier key held for `seconds` is pressed, the first press included. */
export function heldKeyPresses(seconds: number): number {
  const heldMs = Math.round(seconds * 1000);
  if (heldMs <= keyRepeatDelayMs) return 1;
  return 1 + Math.floor((heldMs - keyRepeatDelayMs) / keyRepeatIntervalMs) + 1;
}
