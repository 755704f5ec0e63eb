import { afterEach, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "./fake-anthropic.ts";
import type { FakeAnthropic, ScriptStep } from "./fake-anthropic-types.ts";
import { turns } from "./message-builders.ts";

const open: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});
async function fake(script: ScriptStep[], apiKey?: string) {
  const started = await startFakeAnthropic({ script, ...(apiKey ? { apiKey } : {}) });
  open.push(started);
  return started;
}

const hello = {
  model: "claude-sonnet-4-6",
  max_tokens: 100,
  messages: [{ role: "user", content: "hi" }],
};
const post = (f: FakeAnthropic, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${f.baseURL}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "k",
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe("the fake Messages API", () => {
  it("answers with a real message: ids, tool_use ids, stop_reason, usage with cache fields", async () => {
    const f = await fake([turns.action({ action: "screenshot" }, "looking")]);
    const response = await post(f, hello, { "anthropic-beta": "computer-use-2025-11-24" });
    expect(response.status).toBe(200);
    const message = (await response.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      stop_reason: "tool_use",
      content: [
        { type: "text", text: "looking" },
        {
          type: "tool_use",
          id: expect.stringMatching(/^toolu_/),
          name: "computer",
          input: { action: "screenshot" },
        },
      ],
      // Counted from the request: "hi" is one token, and nothing is cached.
      usage: {
        input_tokens: 1,
        output_tokens: 20,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(f.requests[0]!.headers["anthropic-beta"]).toBe("computer-use-2025-11-24");
    expect(f.requests[0]!.body).toEqual(hello);
  });

  it("accepts the key as x-api-key or a bearer token, and refuses a wrong or missing one", async () => {
    const f = await fake([turns.done(), turns.done()], "secret");
    expect((await post(f, hello, { "x-api-key": "secret" })).status).toBe(200);
    expect((await post(f, hello, { "x-api-key": "", authorization: "Bearer secret" })).status).toBe(
      200,
    );
    const wrong = await post(f, hello, { "x-api-key": "nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
    expect(f.requests).toHaveLength(2);
  });

  it.each([
    [{ ...hello, model: undefined }, /model/],
    [{ ...hello, messages: [{ role: "assistant", content: "hi" }] }, /first message/],
    [
      {
        ...hello,
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_1", name: "computer", input: {} }],
          },
          { role: "user", content: [{ type: "text", text: "next" }] },
        ],
      },
      /tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/,
    ],
    [
      {
        ...hello,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: [] }] },
        ],
      },
      /unexpected `tool_use_id`/,
    ],
    [
      {
        ...hello,
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/bmp", data: "AA" } },
            ],
          },
        ],
      },
      /image source/,
    ],
    [
      {
        ...hello,
        system: Array.from({ length: 5 }, () => ({
          type: "text",
          text: "s",
          cache_control: { type: "ephemeral" },
        })),
      },
      /maximum of 4 blocks with cache_control/,
    ],
  ])("rejects a malformed request (%#) with a 400 the way the API does", async (body, message) => {
    const f = await fake([turns.done()]);
    const response = await post(f, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: { type: string; message: string } };
    expect(error.error.type).toBe("invalid_request_error");
    expect(error.error.message).toMatch(message);
    expect(f.requests).toHaveLength(0);
    expect(f.remaining()).toBe(1);
  });

  it("plays scripted failures with their headers and lets a step read the request", async () => {
    const f = await fake([
      { fail: 429, retryAfterSeconds: 3 },
      { fail: 529 },
      (request) => turns.done(`you said ${JSON.stringify(request.body.messages[0]!.content)}`),
    ]);
    const limited = await post(f, hello);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe(
      "rate_limit_error",
    );
    const overloaded = await post(f, hello);
    expect(((await overloaded.json()) as { error: { type: string } }).error.type).toBe(
      "overloaded_error",
    );
    const reply = (await (await post(f, hello)).json()) as { content: Array<{ text: string }> };
    expect(reply.content[0]!.text).toBe('you said "hi"');
  });

  it("holds a request open on a hang step until closed", async () => {
    const f = await fake([{ hang: true }]);
    const outcome = await Promise.race([
      post(f, hello).then(
        () => "answered",
        () => "dropped",
      ),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 100)),
    ]);
    expect(outcome).toBe("still waiting");
  });
});
