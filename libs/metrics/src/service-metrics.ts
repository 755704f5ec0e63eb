import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The figures operators watch; one set per process, each app records what it sees. */
export interface ServiceMetrics {
  registry: Registry;
  runsActive: Gauge;
  approvalsPending: Gauge;
  decisionLatencySeconds: Histogram;
  actionsTotal: Counter<"outcome">;
}

/** Figures read at scrape time (e.g. from Redis) rather than counted in process. */
export interface MetricSources {
  runsActive?: () => Promise<number>;
  approvalsPending?: () => Promise<number>;
}

export function createServiceMetrics(
  app: "bot" | "worker",
  sources: MetricSources = {},
): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    runsActive: new Gauge({
      name: "deskgate_runs_active",
      help: "Runs started and not yet ended (running or waiting for a decision)",
      registers: [registry],
      ...(sources.runsActive
        ? {
            async collect() {
              this.set(await sources.runsActive!());
            },
          }
        : {}),
    }),
    approvalsPending: new Gauge({
      name: "deskgate_approvals_pending",
      help: "Approval requests waiting for a decision",
      registers: [registry],
      ...(sources.approvalsPending
        ? {
            async collect() {
              this.set(await sources.approvalsPending!());
            },
          }
        : {}),
    }),
    decisionLatencySeconds: new Histogram({
      name: "deskgate_decision_latency_seconds",
      help: "Time from an approval request to its decision",
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 14400],
      registers: [registry],
    }),
    actionsTotal: new Counter({
      name: "deskgate_actions_total",
      help: "Proposed actions by outcome: executed (a person approved it), auto_approved (a policy rule or trust window did), denied, failed, invalid, interrupted",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
}
