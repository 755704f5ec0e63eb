import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  describeRedisTopology,
  redisEnvFields,
  redisSettingsProblems,
  redisTopologyOf,
} from "./redis-settings.ts";

const schema = z.object(redisEnvFields);
const topologyOf = (env: Record<string, string>) => redisTopologyOf(schema.parse(env));

describe("Redis settings", () => {
  it("reads one Redis, the default, Sentinel and Cluster", () => {
    expect(topologyOf({})).toEqual({ kind: "single", url: undefined });
    expect(topologyOf({ REDIS_URL: "redis://r:6379" })).toEqual({
      kind: "single",
      url: "redis://r:6379",
    });
    expect(
      topologyOf({
        REDIS_SENTINELS: "10.0.0.1:26379, s2.example:26380,[::1]:26381",
        REDIS_SENTINEL_MASTER: "mymaster",
        REDIS_PASSWORD: "pw",
        REDIS_SENTINEL_PASSWORD: "spw",
      }),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "s2.example", port: 26380 },
        { host: "::1", port: 26381 },
      ],
      masterName: "mymaster",
      password: "pw",
      sentinelPassword: "spw",
    });
    const cluster = topologyOf({ REDIS_CLUSTER_NODES: "n1:7000,n2:7001", REDIS_TLS: "true" });
    expect(cluster).toEqual({
      kind: "cluster",
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
      ],
      tls: true,
    });
    expect(describeRedisTopology(cluster)).toBe("cluster n1:7000,n2:7001");
    expect(describeRedisTopology({ kind: "single", url: "redis://:secret@r:6379" })).toBe(
      "redis://r:6379",
    );
  });

  it("names malformed addresses", () => {
    const result = schema.safeParse({
      REDIS_SENTINELS: "s1:26379,s2",
      REDIS_CLUSTER_NODES: "n:99999",
    });
    expect(result.success).toBe(false);
    const messages = result
      .error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("\n");
    expect(messages).toMatch(/REDIS_SENTINELS.*"s2" is not host:port/);
    expect(messages).toMatch(/REDIS_CLUSTER_NODES.*"n:99999" is not host:port/);
  });

  it("names settings that only work together, or alone", () => {
    expect(redisSettingsProblems({})).toEqual([]);
    expect(
      redisSettingsProblems({ REDIS_URL: "redis://r", REDIS_CLUSTER_NODES: "n:1" }).join("\n"),
    ).toMatch(/REDIS_URL, REDIS_CLUSTER_NODES: set one of them/);
    expect(redisSettingsProblems({ REDIS_SENTINELS: "s:1" }).join("\n")).toMatch(
      /REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/,
    );
    expect(redisSettingsProblems({ REDIS_SENTINEL_MASTER: "m" }).join("\n")).toMatch(
      /REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER/,
    );
  });
});
