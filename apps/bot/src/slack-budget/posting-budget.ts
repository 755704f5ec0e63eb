import { randomBytes } from "node:crypto";
import { hashTag, type Redis } from "@deskgate/redis";

/**
 * Who goes first when a bucket is short: a new approval card, then a run's thread posts
 * (its root, its running line of steps), then updates of messages already posted.
 */
export const postingPriority = { card: 0, thread: 1, update: 2 } as const;
export type PostingPriority = (typeof postingPriority)[keyof typeof postingPriority];

/** A priority, or how to find it out again while waiting (a post a card waits behind rises). */
export type PriorityOf = PostingPriority | (() => Promise<PostingPriority>);

/** A bucket's refill (calls per second) and how many calls it lets through at once. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/**
 * The rates deskgate keeps to, a little under Slack's published ones
 * (https://docs.slack.dev/apis/web-api/rate-limits): chat.postMessage about 1 per second
 * per channel and several hundred a minute per workspace; chat.update Tier 3 (50 a minute
 * per workspace); the two file upload methods Tier 4 (100 a minute each; an upload calls
 * each once, so one token is one upload).
 */
export const slackPostingLimits = {
  postPerChannel: { perSecond: 1, burst: 2 },
  postPerWorkspace: { perSecond: 4, burst: 20 },
  updates: { perSecond: 45 / 60, burst: 25 },
  files: { perSecond: 90 / 60, burst: 50 },
} as const satisfies Record<string, BucketLimit>;

export type PostingLimits = { [K in keyof typeof slackPostingLimits]: BucketLimit };

/** No practical limit: for a Slack that does not throttle (a test that claims no scale). */
export const unthrottledPostingLimits: PostingLimits = {
  postPerChannel: { perSecond: 10_000, burst: 10_000 },
  postPerWorkspace: { perSecond: 10_000, burst: 10_000 },
  updates: { perSecond: 10_000, burst: 10_000 },
  files: { perSecond: 10_000, burst: 10_000 },
};

/** Which Slack budget a call spends. */
export type BudgetBucket =
  | { kind: "post"; channel: string }
  | { kind: "post-workspace" }
  | { kind: "update" }
  | { kind: "files" };

/**
 * One token bucket per (bucket, budget) in Redis, shared by every bot replica, on Redis's
 * clock. A caller waiting at a priority registers itself; a caller of a lower priority
 * yields while anyone of a higher one waits. A Retry-After from Slack pauses the bucket
 * for everyone. Returns the ms to wait (0: granted, a token taken). All keys share the
 * bucket's hash tag (one Redis Cluster slot).
 */
const takeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local priority = tonumber(ARGV[3])
local waiter = ARGV[4]
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
local paused = tonumber(state[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local wait = 0
if paused > now then
  wait = paused - now
elseif tokens < 1 then
  wait = math.ceil((1 - tokens) / perMs)
else
  for p = 0, priority - 1 do
    local key = KEYS[2 + p]
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) > 0 then
      wait = math.max(50, math.ceil(1 / perMs / 2))
      break
    end
  end
end
local mine = KEYS[2 + priority]
if wait == 0 then
  tokens = tokens - 1
  if mine then redis.call('ZREM', mine, waiter) end
elseif mine then
  redis.call('ZADD', mine, now + wait + 5000, waiter)
  redis.call('PEXPIRE', mine, 600000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait
`;

const pauseScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if untilMs > paused then redis.call('HSET', KEYS[1], 'paused', tostring(untilMs)) end
redis.call('PEXPIRE', KEYS[1], 3600000)
return untilMs
`;

/**
 * Slack's posting budget, shared by every bot replica through Redis: a caller waits its
 * turn for the channel (or workspace) before each chat.postMessage, chat.update or file
 * upload, cards first. Waiting is the point: Slack answers 429 past its limits and the
 * client then stops every call of the replica for Retry-After seconds.
 */
export class PostingBudget {
  constructor(
    private readonly redis: Redis,
    private readonly limits: PostingLimits = slackPostingLimits,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Waits until `bucket` lets one call through at `priority` (asked again before each try
   * when it is a function). Resolves with the ms waited.
   */
  async take(bucket: BudgetBucket, priorityOf: PriorityOf): Promise<number> {
    const limit = this.limitOf(bucket);
    const keys = bucketKeys(bucket);
    const waiter = randomBytes(6).toString("hex");
    let waited = 0;
    for (;;) {
      const priority = typeof priorityOf === "function" ? await priorityOf() : priorityOf;
      const wait = Number(
        await this.redis.eval(
          takeScript,
          3,
          keys.bucket,
          keys.waiters(0),
          keys.waiters(1),
          String(limit.perSecond / 1_000),
          String(limit.burst),
          String(priority),
          waiter,
        ),
      );
      if (wait <= 0) return waited;
      const slice = Math.min(wait, 1_000);
      await this.sleep(slice);
      waited += slice;
    }
  }

  /** Slack said Retry-After `seconds` for this bucket: every replica waits that long. */
  async pause(bucket: BudgetBucket, seconds: number): Promise<void> {
    await this.redis.eval(pauseScript, 1, bucketKeys(bucket).bucket, String(seconds * 1_000));
  }

  private limitOf(bucket: BudgetBucket): BucketLimit {
    switch (bucket.kind) {
      case "post":
        return this.limits.postPerChannel;
      case "post-workspace":
        return this.limits.postPerWorkspace;
      case "update":
        return this.limits.updates;
      case "files":
        return this.limits.files;
    }
  }
}

function bucketKeys(bucket: BudgetBucket) {
  const name = bucket.kind === "post" ? `post:${bucket.channel}` : bucket.kind;
  const tag = `slack:budget:${hashTag(name)}`;
  return {
    bucket: tag,
    waiters: (priority: number) => `${tag}:waiting:${priority}`,
  };
}
