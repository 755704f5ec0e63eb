import { envBoolean, envList } from "@deskgate/core";
import { z } from "zod";
import { describeRedisUrl } from "./redis-connection.ts";

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is. `single` with no url is the default: 127.0.0.1:6379, or a private
 * redis-server that `npm start` runs (see resolveRedis).
 */
export type RedisTopology =
  | { kind: "single"; url: string | undefined }
  | {
      kind: "sentinel";
      sentinels: RedisNode[];
      masterName: string;
      password?: string | undefined;
      sentinelPassword?: string | undefined;
      tls?: boolean | undefined;
    }
  | {
      kind: "cluster";
      nodes: RedisNode[];
      password?: string | undefined;
      tls?: boolean | undefined;
    };

const node = z.string().transform((value, ctx) => {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not host:port` });
    return z.NEVER;
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
});
const nodeList = envList.pipe(z.array(node).min(1, "at least one host:port"));

/** The Redis settings both apps read; spread into an app's env schema. */
export const redisEnvFields = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  REDIS_SENTINELS: nodeList.optional(),
  REDIS_SENTINEL_MASTER: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, '.', '_' or '-'")
    .optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: nodeList.optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: envBoolean.optional(),
};

/** What each Redis setting is for, for an app's configuration hints. */
export const redisEnvHints: Readonly<Record<string, string>> = {
  REDIS_URL: "one Redis, e.g. redis://127.0.0.1:6379",
  REDIS_SENTINELS: "Sentinel addresses, host:port comma-separated, with REDIS_SENTINEL_MASTER",
  REDIS_SENTINEL_MASTER: "the master name the sentinels monitor, e.g. mymaster",
  REDIS_CLUSTER_NODES: "some Redis Cluster nodes, host:port comma-separated",
};

type RedisEnv = z.output<z.ZodObject<typeof redisEnvFields>>;

/**
 * The settings that only make sense together or alone, as problems in the same list as
 * every other setting's. `env` is the raw environment.
 */
export function redisSettingsProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const chosen = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"].filter(
    (name) => env[name],
  );
  const problems: string[] = [];
  if (chosen.length > 1)
    problems.push(
      `${chosen.join(", ")}: set one of them (one Redis, Sentinel or Cluster), not ${chosen.length}`,
    );
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_MASTER)
    problems.push(
      `REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (${redisEnvHints.REDIS_SENTINEL_MASTER})`,
    );
  if (env.REDIS_SENTINEL_MASTER && !env.REDIS_SENTINELS)
    problems.push(
      `REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER (${redisEnvHints.REDIS_SENTINELS})`,
    );
  if (env.REDIS_SENTINEL_PASSWORD && !env.REDIS_SENTINELS)
    problems.push("REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS");
  return problems;
}

/** The topology the parsed settings describe (checked by redisSettingsProblems first). */
export function redisTopologyOf(env: RedisEnv): RedisTopology {
  const auth = {
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
    ...(env.REDIS_TLS === undefined ? {} : { tls: env.REDIS_TLS }),
  };
  if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_MASTER) {
    return {
      kind: "sentinel",
      sentinels: env.REDIS_SENTINELS,
      masterName: env.REDIS_SENTINEL_MASTER,
      ...auth,
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    };
  }
  if (env.REDIS_CLUSTER_NODES) return { kind: "cluster", nodes: env.REDIS_CLUSTER_NODES, ...auth };
  return { kind: "single", url: env.REDIS_URL };
}

/** For log lines: where Redis is, without secrets. */
export function describeRedisTopology(topology: RedisTopology): string {
  const list = (nodes: RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(",");
  switch (topology.kind) {
    case "single":
      return topology.url ? describeRedisUrl(topology.url) : "redis://127.0.0.1:6379 (default)";
    case "sentinel":
      return `sentinel ${topology.masterName}@${list(topology.sentinels)}`;
    case "cluster":
      return `cluster ${list(topology.nodes)}`;
  }
}
