import type { ApprovalGate } from "@deskgate/agent";
import type { CheckpointStore } from "@deskgate/approvals";
import type { RunRequest, RunSummary } from "@deskgate/contracts";
import type { Logger } from "@deskgate/core";

/** One run of the agent, resumable from its checkpoint. The worker wires the Claude loop in. */
export type RunAgent = (input: {
  request: RunRequest;
  gate: ApprovalGate;
  checkpoints: CheckpointStore;
  isCancelled: () => Promise<boolean>;
  logger: Logger;
}) => Promise<RunAgentResult>;

export interface RunAgentResult {
  status: "finished" | "failed" | "cancelled";
  summary: RunSummary;
  reason?: string;
}
