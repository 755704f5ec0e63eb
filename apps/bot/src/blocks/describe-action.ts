import type { ComputerAction } from "@deskgate/contracts";

const maxShownText = 300;

/** An action in plain words for a phone screen: "Left click at (812, 440)". Pure. */
export function describeAction(action: ComputerAction): string {
  const at = (c?: [number, number]) => (c ? ` at (${c[0]}, ${c[1]})` : " at the pointer");
  const holding = (text?: string) => (text ? ` holding ${text}` : "");
  switch (action.action) {
    case "key":
      return `Press ${action.text}${action.repeat && action.repeat > 1 ? ` ×${action.repeat}` : ""}`;
    case "type": {
      const shown =
        action.text.length > maxShownText ? `${action.text.slice(0, maxShownText)}…` : action.text;
      const length = action.text.length > maxShownText ? ` (${action.text.length} characters)` : "";
      return `Type: \`${shown.replace(/`/g, "ˋ")}\`${length}`;
    }
    case "mouse_move":
      return `Move the pointer to (${action.coordinate[0]}, ${action.coordinate[1]})`;
    case "left_click":
      return `Left click${at(action.coordinate)}${holding(action.text)}`;
    case "right_click":
      return `Right click${at(action.coordinate)}${holding(action.text)}`;
    case "middle_click":
      return `Middle click${at(action.coordinate)}${holding(action.text)}`;
    case "double_click":
      return `Double click${at(action.coordinate)}${holding(action.text)}`;
    case "triple_click":
      return `Triple click${at(action.coordinate)}${holding(action.text)}`;
    case "left_click_drag":
      return `Drag from (${action.start_coordinate[0]}, ${action.start_coordinate[1]}) to (${action.coordinate[0]}, ${action.coordinate[1]})`;
    case "left_mouse_down":
      return `Press the left button${at(action.coordinate)}`;
    case "left_mouse_up":
      return `Release the left button${at(action.coordinate)}`;
    case "scroll":
      return `Scroll ${action.scroll_direction} ×${action.scroll_amount}${at(action.coordinate)}${holding(action.text)}`;
    case "hold_key":
      return `Hold ${action.text} for ${action.duration} s`;
    case "wait":
      return `Wait ${action.duration} s`;
    case "screenshot":
      return "Take a screenshot";
    case "cursor_position":
      return "Read the pointer position";
    case "zoom":
      return `Zoom into (${action.region[0]}, ${action.region[1]})–(${action.region[2]}, ${action.region[3]})`;
  }
}
