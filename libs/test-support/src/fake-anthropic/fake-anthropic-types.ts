import type { IncomingHttpHeaders } from "node:http";

export type FakeBlock =
  | { type: "text"; text: string }
  | {
      type: "tool_use";
      id?: string;
      name: string;
      input: unknown;
      /** A GA toolset member call ("computer"): `name` is then the action. */
      toolset_name?: string;
      caller?: { type: "direct" };
    }
  /** Signed by the fake when it is sent (a given signature is replaced). */
  | { type: "thinking"; thinking: string; signature?: string };

export type FakeStopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "refusal"
  | "pause_turn"
  | "stop_sequence"
  | "model_context_window_exceeded";

/** One scripted assistant turn; ids are filled in as `toolu_…` when absent. */
export interface FakeTurn {
  content: FakeBlock[];
  stop_reason: FakeStopReason;
  usage?: Partial<{
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
  }>;
}

export type FakeFailure =
  /** An API error response: 429 → rate_limit_error, 529 → overloaded_error, else api_error. */
  | {
      fail: number;
      errorType?: string;
      /** Sent as `retry-after` (seconds), which the SDK honours when > 0. */
      retryAfterSeconds?: number;
      /** Sent as `retry-after-ms`, which the SDK also honours: keeps retry tests fast. */
      retryAfterMs?: number;
    }
  /** Never answers, so the client times out. */
  | { hang: true };

/** A turn, a failure, or a function of the request (to react to tool results). */
export type ScriptStep =
  | FakeTurn
  | FakeFailure
  | ((request: RecordedRequest) => FakeTurn | FakeFailure);

export interface RecordedRequest {
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    max_tokens: number;
    system?: unknown;
    tools?: Array<Record<string, unknown>>;
    messages: Array<{ role: string; content: Array<Record<string, unknown>> | string }>;
    [key: string]: unknown;
  };
}

export interface FakeAnthropic {
  /** Pass to the SDK as `baseURL`. */
  baseURL: string;
  /** Every well-formed request, in arrival order (retries included). */
  requests: RecordedRequest[];
  /** Requests refused before the script ran (auth, bad body), with the error sent. */
  rejected: Array<{ status: number; message: string }>;
  /** Steps not yet played. */
  remaining(): number;
  close(): Promise<void>;
}
