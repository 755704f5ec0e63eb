/**
 * Slack's published Web API rate limits, as token buckets: a tier's per-minute number is
 * both the bucket's size and its refill per minute, which is at least as strict as Slack's
 * per-minute evaluation with bursts. Limits are per method per workspace per app
 * (https://docs.slack.dev/apis/web-api/rate-limits); chat.postMessage is special: about
 * one message per second per channel with short bursts, and several hundred a minute per
 * workspace (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting).
 */
export const slackTiers = {
  tier1: { perMinute: 1, burst: 3 },
  tier2: { perMinute: 20, burst: 20 },
  tier3: { perMinute: 50, burst: 50 },
  tier4: { perMinute: 100, burst: 100 },
} as const;

export type SlackTier = keyof typeof slackTiers;

/** Each method's tier, from its page on docs.slack.dev/reference/methods. */
export const methodTiers: Record<string, SlackTier> = {
  "apps.connections.open": "tier1",
  "auth.test": "tier4",
  "chat.update": "tier3",
  "chat.postEphemeral": "tier4",
  "chat.getPermalink": "tier4",
  "conversations.open": "tier3",
  "files.getUploadURLExternal": "tier4",
  "files.completeUploadExternal": "tier4",
  "usergroups.users.list": "tier2",
  "users.info": "tier4",
  "views.open": "tier4",
  "views.push": "tier4",
  "views.update": "tier4",
};

export interface RateLimitSettings {
  /** Per-method tiers; a method not listed is not limited by tier. */
  methodTiers: Record<string, SlackTier>;
  /** chat.postMessage into one channel: messages per second, and the burst allowed. */
  postPerChannel: { perSecond: number; burst: number };
  /** chat.postMessage across the workspace ("several hundred per minute"). */
  postPerWorkspace: { perMinute: number; burst: number };
}

export const slackRateLimits: RateLimitSettings = {
  methodTiers,
  postPerChannel: { perSecond: 1, burst: 3 },
  postPerWorkspace: { perMinute: 300, burst: 300 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Decides whether a call is within the limits at `now` (ms). A call that is refused takes
 * nothing; the answer says how many whole seconds to wait (Slack's `Retry-After`).
 */
export class SlackRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly settings: RateLimitSettings | undefined) {}

  /** undefined when allowed (and counted), else the Retry-After in seconds. */
  check(method: string, channel: string | undefined, now: number): number | undefined {
    const settings = this.settings;
    if (!settings) return undefined;
    const wanted: Array<{ key: string; perMs: number; burst: number }> = [];
    const tier = settings.methodTiers[method];
    if (tier) {
      const { perMinute, burst } = slackTiers[tier];
      wanted.push({ key: method, perMs: perMinute / 60_000, burst });
    }
    if (method === "chat.postMessage") {
      const { perMinute, burst } = settings.postPerWorkspace;
      wanted.push({ key: method, perMs: perMinute / 60_000, burst });
      if (channel) {
        const perChannel = settings.postPerChannel;
        wanted.push({
          key: `${method}:${channel}`,
          perMs: perChannel.perSecond / 1_000,
          burst: perChannel.burst,
        });
      }
    }
    let waitMs = 0;
    const buckets = wanted.map((limit) => {
      const bucket = this.refilled(limit.key, limit.perMs, limit.burst, now);
      if (bucket.tokens < 1) waitMs = Math.max(waitMs, (1 - bucket.tokens) / limit.perMs);
      return bucket;
    });
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1_000));
    for (const bucket of buckets) bucket.tokens -= 1;
    return undefined;
  }

  private refilled(key: string, perMs: number, burst: number, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}
