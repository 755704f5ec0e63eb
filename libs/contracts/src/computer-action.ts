import { z } from "zod";

/**
 * The computer tool's actions as the model sends them (coordinates in the *model's*
 * screen space). Field names follow the tool's input schema:
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/computer-use-tool
 * Range checks that need the screen size (coordinates inside the screen) happen in the
 * desktop lib, which knows the size.
 */
export const coordinateSchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
export type Coordinate = z.infer<typeof coordinateSchema>;

/** Longest text one `type` action may carry; longer input is refused, never typed. */
export const maxTypeTextLength = 10_000;

const heldKeys = z.string().min(1).max(100).optional();

/**
 * Seconds, kept to the millisecond: Redis's Lua JSON keeps 14 significant digits, so a
 * longer number would come back changed and no longer match what was approved.
 */
const seconds = (max: number) =>
  z
    .number()
    .positive()
    .max(max)
    .transform((value) => Math.max(0.001, Math.round(value * 1_000) / 1_000));
const clickActions = [
  "left_click",
  "right_click",
  "middle_click",
  "double_click",
  "triple_click",
] as const;

export const computerActionSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("key"),
    text: z.string().min(1).max(200),
    /** Press the sequence this many times (the GA toolset's `key` takes it). */
    repeat: z.number().int().min(1).max(50).optional(),
  }),
  z.object({ action: z.literal("type"), text: z.string().min(1).max(maxTypeTextLength) }),
  z.object({ action: z.literal("mouse_move"), coordinate: coordinateSchema }),
  ...clickActions.map((name) =>
    z.object({ action: z.literal(name), coordinate: coordinateSchema.optional(), text: heldKeys }),
  ),
  z.object({
    action: z.literal("left_click_drag"),
    start_coordinate: coordinateSchema,
    coordinate: coordinateSchema,
  }),
  z.object({ action: z.literal("left_mouse_down"), coordinate: coordinateSchema.optional() }),
  z.object({ action: z.literal("left_mouse_up"), coordinate: coordinateSchema.optional() }),
  z.object({
    action: z.literal("scroll"),
    coordinate: coordinateSchema.optional(),
    scroll_direction: z.enum(["up", "down", "left", "right"]),
    scroll_amount: z.number().int().min(1).max(50),
    text: heldKeys,
  }),
  z.object({
    action: z.literal("hold_key"),
    text: z.string().min(1).max(200),
    duration: seconds(30),
  }),
  z.object({ action: z.literal("wait"), duration: seconds(60) }),
  z.object({ action: z.literal("screenshot") }),
  z.object({ action: z.literal("cursor_position") }),
  z.object({
    action: z.literal("zoom"),
    region: z
      .tuple([
        z.number().int().min(0),
        z.number().int().min(0),
        z.number().int().min(0),
        z.number().int().min(0),
      ])
      .refine(
        ([x0, y0, x1, y1]) => x1 > x0 && y1 > y0,
        "region must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0",
      ),
  }),
]);
export type ComputerAction = z.infer<typeof computerActionSchema>;
export type ComputerActionName = ComputerAction["action"];

export const computerActionNames = [
  "key",
  "type",
  "mouse_move",
  ...clickActions,
  "left_click_drag",
  "left_mouse_down",
  "left_mouse_up",
  "scroll",
  "hold_key",
  "wait",
  "screenshot",
  "cursor_position",
  "zoom",
] as const satisfies readonly ComputerActionName[];
