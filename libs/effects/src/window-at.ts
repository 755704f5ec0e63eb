import type { Coordinate, DesktopInputState, DesktopWindow } from "@deskgate/contracts";

/**
 * Which window a pointer press at `point` reaches: the top-most listed window containing
 * it; `null` when the desktop's list is known and no window is there (the background);
 * undefined when the desktop could not list its windows. Pure.
 */
export function windowAt(
  input: DesktopInputState,
  [x, y]: Coordinate,
): DesktopWindow | null | undefined {
  if (!input.windows) return undefined;
  const hit = input.windows.find(
    ({ rect: [left, top, width, height] }) =>
      x >= left && x < left + width && y >= top && y < top + height,
  );
  return hit ?? null;
}
