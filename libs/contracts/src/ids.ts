import { z } from "zod";

export const runIdSchema = z
  .string()
  .regex(/^run_[A-Za-z0-9]{6,40}$/, "must look like run_<letters/digits>");
export type RunId = z.infer<typeof runIdSchema>;

export const approvalIdSchema = z
  .string()
  .regex(/^apr_[A-Za-z0-9_]{6,80}$/, "must look like apr_<id>");
export type ApprovalId = z.infer<typeof approvalIdSchema>;

/** A desktop (worker) name; also part of a BullMQ queue name, so no ':' or spaces. */
export const desktopNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lower-case letters, digits and '-', at most 40");
export type DesktopName = z.infer<typeof desktopNameSchema>;

/** A Slack user (or any identity the bot vouches for). */
export const actorSchema = z.object({
  userId: z.string().min(1),
  // Lone UTF-16 surrogates are replaced: Redis's Lua JSON decoder refuses them.
  name: z
    .string()
    .min(1)
    .transform((name) => name.toWellFormed())
    .optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const isoTimeSchema = z.iso.datetime({ offset: true });
