import { z } from "zod";
import type { ComputerActionName } from "./computer-action.ts";
import {
  actorSchema,
  approvalIdSchema,
  desktopNameSchema,
  isoTimeSchema,
  runIdSchema,
} from "./ids.ts";

/**
 * The effect kinds a grant may cover (`Effect.kind` in @deskgate/effects): pointer
 * presses, typing, keys, scrolling, drags. Holding modifiers alone is not grantable, and
 * looking is never asked about.
 */
export const grantableKinds = [
  "left_click",
  "double_click",
  "triple_click",
  "right_click",
  "middle_click",
  "type",
  "key",
  "scroll",
  "mouse_move",
  "left_click_drag",
  "left_mouse_down",
  "left_mouse_up",
] as const satisfies readonly ComputerActionName[];
export const grantableKindSchema = z.enum(grantableKinds);

/** Longest a grant may last: a working day. */
export const maxGrantMs = 8 * 3600_000;

/**
 * "Approve & allow similar…": what an approver lets run without asking again. Effects of
 * these kinds, in a window of this class (and title), on this run or on the whole desktop,
 * for this long — and never what a deny rule, a `risk: high` rule or a rule needing more
 * than one approver says.
 */
export const grantTermsSchema = z.object({
  kinds: z.array(grantableKindSchema).min(1),
  /** The focused window the effects must go to; absent: any window. */
  window: z
    .object({
      /** WM_CLASS class, compared exactly ("XTerm", "firefox"). */
      className: z.string().min(1).max(200),
      /** A piece of the window's title that must be in it. */
      titleContains: z
        .string()
        .min(1)
        .max(200)
        .transform((text) => text.toWellFormed())
        .optional(),
    })
    .optional(),
  scope: z.enum(["run", "desktop"]),
  durationMs: z.number().int().min(60_000).max(maxGrantMs),
  /**
   * Made under the four-eyes rule (REQUIRE_SECOND_APPROVER): its maker may not approve the
   * actions of a run they start, so the grant never covers such a run either.
   */
  fourEyes: z.literal(true).optional(),
});
export type GrantTerms = z.infer<typeof grantTermsSchema>;

export const grantIdSchema = z.string().regex(/^grt_[A-Za-z0-9_]{6,100}$/);

/** A grant as stored and shown in the run's thread while it is active. */
export const grantSchema = grantTermsSchema.extend({
  grantId: grantIdSchema,
  /** The run whose card created it (a desktop grant also covers the desktop's later runs). */
  runId: runIdSchema,
  desktop: desktopNameSchema,
  approvalId: approvalIdSchema,
  step: z.number().int().min(1),
  by: actorSchema,
  createdAt: isoTimeSchema,
  until: isoTimeSchema,
});
export type Grant = z.infer<typeof grantSchema>;
