import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { PromptCache } from "./cache-accounting.ts";
import { checkMessagesRequest } from "./check-messages-request.ts";
import { checkModelFeatures } from "./check-model-features.ts";
import type {
  FakeAnthropic,
  FakeFailure,
  RecordedRequest,
  ScriptStep,
} from "./fake-anthropic-types.ts";
import { toMessage } from "./message-builders.ts";
import { bindingProblem, signThinking } from "./thinking-binding.ts";

type Problem = [status: number, type: string, message: string, details?: Record<string, unknown>];
type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

/**
 * The Messages API on loopback: answers POST /v1/messages from a script, checks what the
 * real API checks first (a key in `x-api-key` or `Authorization: Bearer`, the
 * `anthropic-version` header, a well-formed body, the per-model rules of
 * check-model-features.ts and, for models that bind them, the thinking blocks' conversation
 * check), and records every request so tests can assert on what was sent. Usage comes from
 * the prompt-cache prefix rule (cache-accounting.ts) unless a scripted turn sets it.
 * Point the real SDK at it with `baseURL`.
 */
export async function startFakeAnthropic(options: {
  script: ScriptStep[];
  /** When set, only this key is accepted. */
  apiKey?: string;
}): Promise<FakeAnthropic> {
  const script = [...options.script];
  const requests: RecordedRequest[] = [];
  const rejected: FakeAnthropic["rejected"] = [];
  const hanging = new Set<ServerResponse>();
  const cache = new PromptCache();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const send = sender(response);
      const raw = Buffer.concat(chunks);
      const refused = refusal(request, options.apiKey) ?? tooLarge(raw);
      const body = refused ? undefined : parseJson(raw);
      const problem: Problem | undefined = refused ?? invalidRequest(body, request);
      const binding = body && !problem ? bindingProblem(body) : undefined;
      const refusedBinding: Problem | undefined =
        binding && !binding.ok ? [400, "invalid_request_error", binding.message] : undefined;
      if (problem || refusedBinding || !body || !binding?.ok) {
        const [status, type, message, details] = problem ??
          refusedBinding ?? [400, "invalid_request_error", "no body"];
        rejected.push({ status, message });
        return send(status, apiError(type, message, details));
      }
      const recorded: RecordedRequest = { headers: request.headers, body };
      requests.push(recorded);
      const next = script.shift();
      if (!next) return send(500, apiError("api_error", "the fake's script is exhausted"));
      const step = typeof next === "function" ? next(recorded) : next;
      if ("hang" in step) {
        hanging.add(response);
        response.on("close", () => hanging.delete(response));
        return;
      }
      if ("fail" in step) return sendFailure(send, step);
      send(
        200,
        toMessage(step, body.model, {
          usage: cache.account({ ...body, messages: binding.messages }),
          sign: (content) => signThinking(body.messages, content),
          inputTransformations: binding.transformations,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    rejected,
    remaining: () => script.length,
    close: () =>
      new Promise((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function refusal(request: IncomingMessage, apiKey: string | undefined): Problem | undefined {
  const path = request.url?.split("?")[0];
  if (request.method !== "POST" || path !== "/v1/messages")
    return [404, "not_found_error", `no route ${request.method} ${path}`];
  const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
  const key = request.headers["x-api-key"] || bearer;
  if (!key || (apiKey !== undefined && key !== apiKey))
    return [401, "authentication_error", "invalid x-api-key"];
  if (!request.headers["anthropic-version"])
    return [400, "invalid_request_error", "anthropic-version: header is required"];
  return undefined;
}

/** The Messages API takes at most 32 MB a request (413 `request_too_large`). */
export const maxRequestBytes = 32 * 1024 * 1024;

function tooLarge(raw: Buffer): Problem | undefined {
  if (raw.length <= maxRequestBytes) return undefined;
  return [413, "request_too_large", `Request exceeds the maximum size of ${maxRequestBytes} bytes`];
}

function sender(response: ServerResponse): Send {
  return (status, payload, headers = {}) => {
    response.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_${randomBytes(12).toString("hex")}`,
      ...headers,
    });
    response.end(JSON.stringify(payload));
  };
}

function sendFailure(send: Send, step: Extract<FakeFailure, { fail: number }>): void {
  const type =
    step.errorType ??
    (step.fail === 429 ? "rate_limit_error" : step.fail === 529 ? "overloaded_error" : "api_error");
  const headers: Record<string, string> = {};
  if (step.retryAfterSeconds !== undefined) headers["retry-after"] = String(step.retryAfterSeconds);
  if (step.retryAfterMs !== undefined) headers["retry-after-ms"] = String(step.retryAfterMs);
  send(step.fail, apiError(type, `scripted ${step.fail}`), headers);
}

function apiError(type: string, message: string, details?: Record<string, unknown>) {
  return { type: "error", error: { type, message, ...(details ? { details } : {}) } };
}

function invalidRequest(
  body: RecordedRequest["body"] | undefined,
  request: IncomingMessage,
): Problem | undefined {
  if (!body) return [400, "invalid_request_error", "body: not valid JSON"];
  const invalid = checkMessagesRequest(body);
  if (invalid) return [400, "invalid_request_error", invalid];
  const feature = checkModelFeatures(body, request.headers);
  if (!feature) return undefined;
  const type = "invalid_request_error";
  return feature.details
    ? [400, type, feature.message, feature.details]
    : [400, type, feature.message];
}

function parseJson(raw: Buffer): RecordedRequest["body"] | undefined {
  try {
    return JSON.parse(raw.toString("utf8")) as RecordedRequest["body"];
  } catch {
    return undefined;
  }
}
