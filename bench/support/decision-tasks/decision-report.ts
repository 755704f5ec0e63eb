/** What one task run under one configuration measured. */
export interface TaskMeasurement {
  task: string;
  configuration: string;
  /** Actions the model proposed. */
  actions: number;
  /** Of them, labelled consequential. */
  consequential: number;
  cards: number;
  decisions: number;
  /** From `/agent start` to the run's end, measured. */
  machineMs: number;
  /** Decisions × the fixed per-decision delay. */
  simulatedHumanMs: number;
  /** What the person answered on each card, in words (strategies that say so). */
  answers: string[];
  /** Consequential steps that ran without a decision of their own (must be none). */
  withoutOwnDecision: Array<{ step: number; why: string }>;
  /** The real outcome's problems, and where what ran differs from the script. */
  problems: string[];
}

/** The decisions a configuration may take, as a share of the baseline's for the same task. */
export const decisionTarget = 0.25;

export interface ComparedMeasurement extends TaskMeasurement {
  /** Whether this is the baseline's own measurement. */
  isBaseline: boolean;
  /** Machine time plus the people's simulated time. */
  simulatedWallMs: number;
  /** decisions / the baseline's decisions for the task; undefined without a baseline > 0. */
  ratio: number | undefined;
  /**
   * ratio ≤ decisionTarget with nothing consequential let through without its own
   * decision; undefined for the baseline itself and without a ratio.
   */
  meetsTarget: boolean | undefined;
}

/** Each measurement next to the baseline configuration's measurement of the same task. */
export function compareWithBaseline(
  measurements: readonly TaskMeasurement[],
  baseline: string,
): ComparedMeasurement[] {
  return measurements.map((measurement) => {
    const reference = measurements.find(
      (other) => other.task === measurement.task && other.configuration === baseline,
    );
    const ratio =
      reference && reference.decisions > 0
        ? measurement.decisions / reference.decisions
        : undefined;
    const isBaseline = measurement.configuration === baseline;
    return {
      ...measurement,
      isBaseline,
      simulatedWallMs: measurement.machineMs + measurement.simulatedHumanMs,
      ratio,
      meetsTarget:
        ratio === undefined || isBaseline
          ? undefined
          : ratio <= decisionTarget && measurement.withoutOwnDecision.length === 0,
    };
  });
}

/**
 * Whether the bench failed: a task's real outcome was wrong or its run differed from the
 * script, or a consequential action ran without a decision of its own. Missing the
 * decisions target alone is reported, not failed.
 */
export function benchFailed(measurements: readonly TaskMeasurement[]): boolean {
  return measurements.some(
    (measurement) => measurement.problems.length > 0 || measurement.withoutOwnDecision.length > 0,
  );
}
