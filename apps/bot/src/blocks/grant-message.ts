import type { Actor, Grant } from "@deskgate/contracts";
import { notificationText } from "../slack-text/to-slack.ts";
import { actionIds } from "./action-ids.ts";
import { type Block, contextLine, type Piece, plain } from "./block-kit.ts";
import { slackLimits } from "./fit-to-slack.ts";
import { describeGrantKinds } from "./grant-modal.ts";

const slackTime = (iso: string) =>
  `<!date^${Math.floor(new Date(iso).getTime() / 1000)}^{time}|${iso}>`;

/** What a grant lets run, in deskgate's words, with the window's title as plain text. */
function grantPieces(grant: Grant): Piece[] {
  const where = grant.window
    ? `in ${grant.window.className} windows${grant.window.titleContains ? " whose title contains" : ""}`
    : "in any window";
  const scope = grant.scope === "run" ? "this run" : `every run on \`${grant.desktop}\``;
  const pieces: Piece[] = [
    {
      ours: `:key: <@${grant.by.userId}> allowed ${describeGrantKinds(grant.kinds)} ${where}`,
    },
  ];
  if (grant.window?.titleContains) pieces.push({ outside: grant.window.titleContains });
  pieces.push({
    ours: `for ${scope} until ${slackTime(grant.until)} without asking (from step ${grant.step}). High-risk actions, deny rules and rules needing more approvers are still asked about.`,
  });
  return pieces;
}

/** The grant's thread message while it is active: what it allows, and a Revoke button. */
export function activeGrantMessage(grant: Grant): { text: string; blocks: Block[] } {
  return {
    text: notificationText(`Grant by ${grant.by.userId}: similar actions run without asking`),
    blocks: [
      contextLine(grantPieces(grant)),
      {
        type: "actions",
        block_id: "grant",
        elements: [
          {
            type: "button",
            text: plain("Revoke", slackLimits.buttonText),
            action_id: actionIds.revokeGrant,
            value: grant.grantId,
            style: "danger",
          },
        ],
      },
    ],
  };
}

/** The same message once the grant is over: no button, who ended it. */
export function endedGrantMessage(
  grant: Grant | undefined,
  revokedBy: Actor | undefined,
): { text: string; blocks: Block[] } {
  const end = revokedBy ? `revoked by <@${revokedBy.userId}>` : "ended at its time";
  const pieces: Piece[] = grant
    ? [...grantPieces(grant), { ours: `· *${end}*: these actions are asked about again.` }]
    : [{ ours: `:key: A grant ${end}: these actions are asked about again.` }];
  return {
    text: notificationText(`Grant ${revokedBy ? "revoked" : "ended"}`),
    blocks: [contextLine(pieces)],
  };
}
