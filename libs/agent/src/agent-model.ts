import type { TokenUsage } from "@deskgate/contracts";
import type { ImageLimits, ScreenSize } from "@deskgate/desktop";
import type { ContentBlock, Message } from "./conversation.ts";
import type { ComputerToolVersion, ContextStrategy } from "./tool-versions.ts";

export interface ModelTurnRequest {
  system: string;
  messages: Message[];
  screen: ScreenSize;
  /** Screenshots the model keeps; with the `server` strategy, the API clears older ones. */
  keepScreenshots: number;
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
  /** Who removes old screenshots: the loop (`client`) or the API (`server`). */
  readonly context: ContextStrategy;
  /** The largest screenshot the model accepts; the desktop sizes its screenshots within. */
  readonly images: ImageLimits;
  createTurn(request: ModelTurnRequest): Promise<ModelTurn>;
}
