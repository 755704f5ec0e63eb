import type { Logger } from "@deskgate/core";
import type { SlackClient } from "../bot-context.ts";
import {
  type BudgetBucket,
  type PostingBudget,
  type PostingPriority,
  type PriorityOf,
  postingPriority,
} from "./posting-budget.ts";

type PostArgs = Parameters<SlackClient["chat"]["postMessage"]>[0];
type UpdateArgs = Parameters<SlackClient["chat"]["update"]>[0];
type UploadArgs = Parameters<SlackClient["files"]["uploadV2"]>[0];

/** What Slack answered a post: the message's ts (as Slack's `chat.postMessage` gives it). */
export interface Posted {
  ts: string;
}

/**
 * The only way deskgate posts to, or edits, a channel: each chat.postMessage, chat.update
 * and file upload first takes its turn in the shared PostingBudget (cards first). The
 * Web API client still honours a 429's Retry-After on its own (it waits, then retries:
 * @slack/web-api WebClient.makeRequest); here the same Retry-After also pauses the
 * bucket in Redis, so the other replicas wait too instead of hitting it in turn.
 */
export class BudgetedSlack {
  constructor(
    private readonly client: SlackClient,
    private readonly budget: PostingBudget,
    private readonly logger: Logger,
  ) {
    // WebClientEvent.RATE_LIMITED; Bolt does not re-export the enum.
    client.on(
      "rate_limited" as Parameters<SlackClient["on"]>[0],
      (retryAfterSeconds: number, request: { url?: string; body?: unknown }) =>
        this.onRateLimited(retryAfterSeconds, request),
    );
  }

  async postMessage(args: PostArgs, priority: PriorityOf): Promise<Posted> {
    const channel = String((args as { channel: string }).channel);
    await this.budget.take({ kind: "post", channel }, priority);
    await this.budget.take({ kind: "post-workspace" }, priority);
    const posted = await this.client.chat.postMessage(args);
    return { ts: String(posted.ts) };
  }

  async update(
    args: UpdateArgs,
    priority: PostingPriority = postingPriority.update,
  ): Promise<void> {
    await this.take(priority);
    await this.updateNow(args);
  }

  /** Waits for a chat.update turn, for an edit that is rendered once the turn comes. */
  async take(priority: PostingPriority): Promise<void> {
    await this.budget.take({ kind: "update" }, priority);
  }

  /** chat.update after `take`. */
  async updateNow(args: UpdateArgs): Promise<void> {
    await this.client.chat.update(args);
  }

  /**
   * files.uploadV2 calls files.getUploadURLExternal and files.completeUploadExternal once
   * each, two Tier 4 methods with a bucket each: one turn of the files budget.
   */
  async uploadFile(args: UploadArgs, priority: PostingPriority): Promise<void> {
    await this.budget.take({ kind: "files" }, priority);
    await this.client.files.uploadV2(args);
  }

  private onRateLimited(seconds: number, request: { url?: string; body?: unknown }): void {
    const method = /\/([a-zA-Z.]+)$/.exec(request.url ?? "")?.[1];
    const body = (request.body ?? {}) as { channel?: unknown };
    const bucket: BudgetBucket | undefined =
      method === "chat.postMessage" && typeof body.channel === "string"
        ? { kind: "post", channel: body.channel }
        : method === "chat.update"
          ? { kind: "update" }
          : method?.startsWith("files.")
            ? { kind: "files" }
            : undefined;
    this.logger.warn({ method, retryAfterSeconds: seconds }, "slack rate limited a call");
    if (!bucket) return;
    this.budget
      .pause(bucket, seconds)
      .catch((err: unknown) => this.logger.warn({ err }, "could not share a slack pause"));
  }
}
