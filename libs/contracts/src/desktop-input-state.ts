import { z } from "zod";
import { computerActionNames, coordinateSchema } from "./computer-action.ts";

/**
 * The longest line kept for `textMatches`; beyond it the front of the line is replaced by
 * a marker for unknown text (`@deskgate/effects` typed-line), so a long `type` cannot push
 * what a rule looks for out of sight.
 */
export const maxLineLength = 4_096;

const windowTitleSchema = z.string().transform((title) => title.slice(0, 1_000).toWellFormed());

/** A window the desktop shows: its place in model coordinates (x, y, width, height). */
export const desktopWindowSchema = z.object({
  /** The X window id (decimal). */
  id: z.string().regex(/^\d{1,12}$/),
  title: windowTitleSchema,
  /** WM_CLASS's class part; empty when the window sets none. */
  className: z.string().transform((name) => name.slice(0, 200).toWellFormed()),
  rect: z.tuple([
    z.number().int(),
    z.number().int(),
    z.number().int().min(0),
    z.number().int().min(0),
  ]),
});
export type DesktopWindow = z.infer<typeof desktopWindowSchema>;

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
   * The focused field's line as typed since the last Enter, edited as a line editor edits
   * it (the cursor moved by Home, End, arrows, ctrl+a/e/b/f; BackSpace and Delete): what a
   * `textMatches` rule reads, so `type "su"` then `type "do ls"` is read as "sudo ls", and
   * so is `type "do ls"`, Home, `type "su"`.
   */
  line: z.string().max(maxLineLength),
  /**
   * The windows (ids; "?" where the focused window was not known) in which text of `line`
   * was typed or edited: a terminal's Enter starts a new line only when all of it went to
   * that terminal, for text typed in another window stays in that window's field.
   */
  lineWindows: z.array(z.string().max(40)).max(16).optional(),
  /** Where the cursor is in `line` (code units); absent when not known (then typing appends). */
  cursor: z.number().int().min(0).optional(),
  /**
   * The field may hold text that was not typed here: after a pointer press (focus moved,
   * or a middle-click pasted), a paste key, shell history or completion. An Enter then
   * counts as Enter after typing, and nothing typed is ever forgotten until it.
   */
  lineUnknown: z.boolean().default(true),
  /**
   * The last key was a bare Escape: a terminal reads Escape then a key as Meta (Alt) with
   * that key (readline: Escape then `#` comments the line and runs it), so the next key is
   * judged with Alt held.
   */
  escapePending: z.boolean().optional(),
  /**
   * The kind of the last input that changed the desktop (look-only steps and plain
   * pointer moves do not count): what `afterAction` compares with.
   */
  lastChange: z.enum(computerActionNames).optional(),
  /** The window that has the keyboard, when the desktop can say. */
  window: z
    .object({ id: z.string(), title: windowTitleSchema, className: z.string().max(200) })
    .optional(),
  /**
   * The windows on the screen, top-most first, when the desktop can say: which window a
   * click at a point reaches (`windowAt`), and which windows an approver saw.
   */
  windows: z.array(desktopWindowSchema).max(60).optional(),
});
export type DesktopInputState = z.infer<typeof desktopInputStateSchema>;

/** A desktop nothing is known of: the focused field may already hold text. */
export const initialInputState: DesktopInputState = Object.freeze({
  leftButtonHeld: false,
  line: "",
  lineUnknown: true,
});
