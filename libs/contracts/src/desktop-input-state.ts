import { z } from "zod";
import { computerActionNames, coordinateSchema } from "./computer-action.ts";

/** The longest line kept for `textMatches`; older characters drop off the front. */
export const maxLineLength = 2_000;

/**
 * What the desktop's input looks like between actions, as far as the effect of the next
 * action depends on it. Kept per desktop by the worker that drives it, and stored with
 * each approval request so an edit is judged against the same desktop.
 */
export const desktopInputStateSchema = z.object({
  /** Where the pointer is (model coordinates), when known. */
  pointer: coordinateSchema.optional(),
  /** After `left_mouse_down` and before `left_mouse_up`: moving the pointer drags. */
  leftButtonHeld: z.boolean(),
  /**
   * Text typed into the focused field since the last Enter or pointer press: what a
   * `textMatches` rule reads, so `type "su"` then `type "do ls"` is read as "sudo ls".
   */
  line: z.string().max(maxLineLength),
  /**
   * The kind of the last input that changed the desktop (look-only steps and plain
   * pointer moves do not count): what `afterAction` compares with.
   */
  lastChange: z.enum(computerActionNames).optional(),
});
export type DesktopInputState = z.infer<typeof desktopInputStateSchema>;

export const initialInputState: DesktopInputState = Object.freeze({
  leftButtonHeld: false,
  line: "",
});
