import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkMessageBlocks, checkView } from "./block-kit-rules.ts";
import { type RateLimitSettings, SlackRateLimiter } from "./slack-rate-limits.ts";

export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
  /** `blocks`, parsed when it came as a JSON string (form-encoded calls). */
  blocks?: unknown[];
  token: string | undefined;
  /** Date.now() when the call arrived. */
  receivedAt: number;
  /** Answered 429 `ratelimited` by Slack's published limits (not by `failNext`). */
  rateLimited?: boolean;
}

export interface UploadedFile {
  fileId: string;
  filename: string;
  bytes: Buffer;
  channelId?: string;
  threadTs?: string;
  title?: string;
  /** Index in `calls` of the files.completeUploadExternal that shared it (orders it among messages). */
  sharedByCall?: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  /** Set by chat.update: the message as it is now. */
  updates: number;
  /** Index in `calls` of the chat.postMessage that posted it (orders it among files). */
  postedByCall: number;
}

/** Slack's Web API methods the bot uses, answering like Slack does, recording every call. */
export class FakeSlackWebApi {
  readonly calls: WebApiCall[] = [];
  readonly messages = new Map<string, PostedMessage>();
  readonly files = new Map<string, UploadedFile>();
  readonly userGroups = new Map<string, string[]>();
  private readonly failures = new Map<
    string,
    Array<{
      error: string;
      status?: number;
      retryAfter?: number;
      when?: (args: Record<string, unknown>) => boolean;
    }>
  >();
  private readonly revoked = new Set<string>();
  private readonly triggers = new Map<string, number>();
  private clock = 1_790_000_000;
  private counter = 0;
  private limiter: SlackRateLimiter;

  constructor(
    private readonly baseUrl: () => string,
    private readonly socketUrl: () => string,
    private readonly botToken: string,
    private readonly appToken: string,
    rateLimits: RateLimitSettings | undefined,
  ) {
    this.limiter = new SlackRateLimiter(rateLimits);
  }

  /** Enforce these limits from now on (fresh buckets), or none (`undefined`). */
  setRateLimits(rateLimits: RateLimitSettings | undefined): void {
    this.limiter = new SlackRateLimiter(rateLimits);
  }

  /** Calls Slack's limits refused with 429. */
  rateLimitedCalls(method?: string): WebApiCall[] {
    return this.calls.filter((call) => call.rateLimited && (!method || call.method === method));
  }

  /**
   * The next `times` calls of `method` (those matching `when`, if given) fail with `error`
   * (429 + Retry-After for ratelimited).
   */
  failNext(
    method: string,
    error: string,
    times = 1,
    retryAfter = 1,
    when?: (args: Record<string, unknown>) => boolean,
  ): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1)
      queue.push({
        error,
        ...(error === "ratelimited" ? { status: 429, retryAfter } : {}),
        ...(when ? { when } : {}),
      });
    this.failures.set(method, queue);
  }

  /**
   * Every later call with `token` answers `token_revoked`, as Slack does once the token is
   * revoked or the app uninstalled (https://api.slack.com/methods/auth.test#errors).
   */
  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** A trigger id Slack handed out with an interaction, valid for 3 s from now. */
  issueTrigger(triggerId: string): void {
    this.triggers.set(triggerId, Date.now());
  }

  callsOf(method: string): WebApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(request.url ?? "/", "http://x");
    const upload = /\/upload\/(F[0-9A-F]+)$/.exec(url.pathname);
    if (upload) return this.receiveUpload(upload[1]!, request, response, body);
    const method = url.pathname.replace(/^\/api\//, "");
    const args = parseArgs(request.headers["content-type"] ?? "", body);
    const token =
      String(request.headers.authorization ?? "").replace(/^Bearer /, "") ||
      (args.token as string | undefined);
    const blocks =
      typeof args.blocks === "string"
        ? (JSON.parse(args.blocks) as unknown[])
        : (args.blocks as unknown[] | undefined);
    const call: WebApiCall = {
      method,
      args,
      token,
      receivedAt: Date.now(),
      ...(blocks ? { blocks } : {}),
    };
    this.calls.push(call);
    const reply = (
      status: number,
      payload: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(payload));
    };
    if (token && this.revoked.has(token)) return reply(200, { ok: false, error: "token_revoked" });
    const expected = method === "apps.connections.open" ? this.appToken : this.botToken;
    if (token !== expected) return reply(200, { ok: false, error: "invalid_auth" });
    const channel = args.channel ?? args.channel_id;
    const retryAfter = this.limiter.check(
      method,
      typeof channel === "string" ? channel : undefined,
      call.receivedAt,
    );
    if (retryAfter !== undefined) {
      // https://docs.slack.dev/apis/web-api/rate-limits: HTTP 429, Retry-After in seconds.
      call.rateLimited = true;
      return reply(429, { ok: false, error: "ratelimited" }, { "retry-after": String(retryAfter) });
    }
    const queued = this.failures.get(method) ?? [];
    const at = queued.findIndex((f) => !f.when || f.when(args));
    const failure = at >= 0 ? queued.splice(at, 1)[0] : undefined;
    if (failure) {
      return reply(
        failure.status ?? 200,
        { ok: false, error: failure.error },
        failure.retryAfter ? { "retry-after": String(failure.retryAfter) } : {},
      );
    }
    reply(200, { ok: true, ...this.answer(method, args, blocks) });
  }

  private answer(
    method: string,
    args: Record<string, unknown>,
    blocks: unknown[] | undefined,
  ): Record<string, unknown> {
    const refused = this.refusal(method, args, blocks);
    if (refused) return refused;
    switch (method) {
      case "auth.test":
        return {
          url: "https://fake.slack.test/",
          team: "Fake",
          user: "deskgate",
          team_id: "T0FAKE",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        };
      case "apps.connections.open":
        return { url: this.socketUrl() };
      case "chat.postMessage": {
        const ts = this.nextTs();
        const channel = String(args.channel);
        this.messages.set(ts, {
          channel,
          ts,
          updates: 0,
          postedByCall: this.calls.length - 1,
          ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
          ...(args.text ? { text: String(args.text) } : {}),
          ...(blocks ? { blocks } : {}),
        });
        return { channel, ts, message: { text: args.text, ts } };
      }
      case "chat.update": {
        const message = this.messages.get(String(args.ts));
        if (!message) return { ok: false, error: "message_not_found" };
        message.updates += 1;
        if (args.text) message.text = String(args.text);
        if (blocks) message.blocks = blocks;
        return { channel: message.channel, ts: message.ts };
      }
      case "chat.postEphemeral":
        return { message_ts: this.nextTs() };
      case "chat.getPermalink":
        return {
          permalink: `https://fake.slack.test/archives/${args.channel}/p${String(args.message_ts).replace(".", "")}`,
        };
      case "views.open":
      case "views.update":
        return { view: { id: `V${this.counter++}` } };
      case "files.getUploadURLExternal": {
        const fileId = `F${randomBytes(4).toString("hex").toUpperCase()}`;
        this.files.set(fileId, { fileId, filename: String(args.filename), bytes: Buffer.alloc(0) });
        return {
          upload_url: `${this.baseUrl().replace(/api\/$/, "")}upload/${fileId}`,
          file_id: fileId,
        };
      }
      case "files.completeUploadExternal": {
        const entries = JSON.parse(String(args.files)) as Array<{ id: string; title?: string }>;
        for (const entry of entries) {
          const file = this.files.get(entry.id);
          if (!file) continue;
          if (entry.title) file.title = entry.title;
          if (args.channel_id) file.channelId = String(args.channel_id);
          if (args.thread_ts) file.threadTs = String(args.thread_ts);
          file.sharedByCall = this.calls.length - 1;
        }
        return { files: entries.map((e) => ({ id: e.id, title: e.title })) };
      }
      case "conversations.open": {
        // https://docs.slack.dev/reference/methods/conversations.open: `users` (comma
        // separated) or `channel`; a bot token needs im:write. One user: that user's DM.
        const users = String(args.users ?? "")
          .split(",")
          .filter(Boolean);
        if (users.length === 0 && !args.channel)
          return { ok: false, error: "users_list_not_supplied" };
        if (users.some((user) => !/^[UW][A-Z0-9]{2,}$/.test(user)))
          return { ok: false, error: "user_not_found" };
        const id = args.channel ? String(args.channel) : `D${users.join("").slice(1, 11)}`;
        return { channel: { id } };
      }
      case "usergroups.users.list":
        return { users: this.userGroups.get(String(args.usergroup)) ?? [] };
      case "users.info":
        return { user: { id: args.user, name: String(args.user).toLowerCase() } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /**
   * What Slack refuses before doing anything: blocks past Block Kit's limits
   * (`invalid_blocks`), a message text past 40,000 characters (`msg_too_long`), a view that
   * breaks the view rules (`invalid_arguments`), a trigger id it never issued or issued
   * more than 3 s ago (`invalid_trigger_id`, `expired_trigger_id`).
   */
  private refusal(
    method: string,
    args: Record<string, unknown>,
    blocks: unknown[] | undefined,
  ): Record<string, unknown> | undefined {
    if (
      method === "chat.postMessage" ||
      method === "chat.update" ||
      method === "chat.postEphemeral"
    ) {
      const problems = checkMessageBlocks(blocks);
      if (problems.length > 0) return { ok: false, error: "invalid_blocks", errors: problems };
      if (typeof args.text === "string" && args.text.length > 40_000)
        return { ok: false, error: "msg_too_long" };
    }
    if (method === "views.open" || method === "views.push" || method === "views.update") {
      const view = typeof args.view === "string" ? (JSON.parse(args.view) as unknown) : args.view;
      const problems = checkView(view);
      if (problems.length > 0) return { ok: false, error: "invalid_arguments", errors: problems };
    }
    if (method === "views.open" || method === "views.push") {
      const issued = this.triggers.get(String(args.trigger_id));
      if (issued === undefined) return { ok: false, error: "invalid_trigger_id" };
      if (Date.now() - issued > 3_000) return { ok: false, error: "expired_trigger_id" };
    }
    return undefined;
  }

  private async receiveUpload(
    fileId: string,
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const file = this.files.get(fileId);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    const contentType = request.headers["content-type"] ?? "";
    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Request("http://x", {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      }).formData();
      const part = [...form.values()].find((value) => typeof value !== "string");
      file.bytes = part ? Buffer.from(await (part as Blob).arrayBuffer()) : Buffer.alloc(0);
    } else {
      file.bytes = body;
    }
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`OK - ${file.bytes.length}`);
  }

  private nextTs(): string {
    this.counter += 1;
    return `${this.clock}.${String(this.counter).padStart(6, "0")}`;
  }
}

function parseArgs(contentType: string, body: Buffer): Record<string, unknown> {
  const text = body.toString("utf8");
  if (contentType.includes("application/json"))
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(text));
}
