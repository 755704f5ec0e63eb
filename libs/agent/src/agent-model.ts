import type { TokenUsage } from "@deskgate/contracts";
import type { ScreenSize } from "@deskgate/desktop";
import type { ContentBlock, Message } from "./conversation.ts";
import type { ComputerToolVersion } from "./tool-versions.ts";

export interface ModelTurnRequest {
  system: string;
  messages: Message[];
  screen: ScreenSize;
}

export interface ModelTurn {
  content: ContentBlock[];
  stopReason: string;
  usage: TokenUsage;
}

/** The port the loop calls the model through; `anthropic-model.ts` is the SDK adapter. */
export interface AgentModel {
  readonly model: string;
  readonly tool: ComputerToolVersion;
  createTurn(request: ModelTurnRequest): Promise<ModelTurn>;
}
