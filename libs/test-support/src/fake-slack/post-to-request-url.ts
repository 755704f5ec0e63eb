import { type IncomingHttpHeaders, request } from "node:http";
import type { AttemptOutcome } from "./slack-transport.ts";

/** One HTTP request as it left the fake, for tests that replay or inspect it. */
export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Slack follows at most two redirects, then retries (`too_many_redirects`). */
const maxRedirects = 2;

type Answer =
  | { kind: "answered"; status: number; headers: IncomingHttpHeaders; text: string }
  | Extract<AttemptOutcome, { kind: "failed" }>;

/**
 * POSTs `body` to a Request URL as Slack does and sorts the result the way Slack's Events
 * API retry rules do (https://docs.slack.dev/apis/events-api/#retries): a 2xx within
 * `timeoutMs` (redirects included, at most 2 followed, each re-POSTed as is) is an
 * acknowledgement whose body is the response payload (JSON when the answer says
 * `application/json`, else text, undefined when empty); no answer in time is `http_timeout`;
 * a refused connection `connection_failed`; anything but 2xx `http_error`, not to be retried
 * when the answer carries `X-Slack-No-Retry: 1`. Only `http:` URLs (loopback): no `ssl_error`.
 */
export async function postToRequestUrl(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  onSent: (sent: SentRequest) => void;
}): Promise<AttemptOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let url = options.url;
  for (let redirects = 0; ; redirects += 1) {
    options.onSent({ url, headers: options.headers, body: options.body });
    const answer = await postOnce(url, options.headers, options.body, deadline);
    if (answer.kind === "failed") return answer;
    const { status, headers, text } = answer;
    if (status >= 300 && status < 400 && headers.location) {
      if (redirects >= maxRedirects) {
        const detail = `more than ${maxRedirects} redirects from ${options.url}`;
        return { kind: "failed", reason: "too_many_redirects", detail, retryable: true };
      }
      url = new URL(headers.location, url).toString();
      continue;
    }
    if (status >= 200 && status < 300)
      return { kind: "acknowledged", payload: responsePayload(headers, text) };
    return {
      kind: "failed",
      reason: "http_error",
      detail: `HTTP ${status} from ${url}`,
      retryable: headers["x-slack-no-retry"] !== "1",
    };
  }
}

function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
  deadline: number,
): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    // A fresh connection per request (no keep-alive pool), as each delivery stands alone.
    const outgoing = request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      agent: false,
    });
    const timer = setTimeout(
      () => {
        outgoing.destroy();
        const detail = `no answer from ${url} within the time Slack waits`;
        settle({ kind: "failed", reason: "http_timeout", detail, retryable: true });
      },
      Math.max(0, deadline - Date.now()),
    );
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        settle({
          kind: "answered",
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      response.on("error", (err) => settle(connectionFailure(url, err)));
    });
    outgoing.on("error", (err) => settle(connectionFailure(url, err)));
    outgoing.end(body);
  });
}

function connectionFailure(url: string, err: Error): Answer {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const refused = ["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENOTFOUND"].includes(code);
  return {
    kind: "failed",
    reason: refused ? "connection_failed" : "unknown_error",
    detail: `${code || err.message} from ${url}`,
    retryable: true,
  };
}

function responsePayload(headers: IncomingHttpHeaders, text: string): unknown {
  if (text.length === 0) return undefined;
  if (!String(headers["content-type"] ?? "").startsWith("application/json")) return text;
  return JSON.parse(text) as unknown;
}
