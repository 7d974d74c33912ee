import { z } from 'zod';
import { defaultGateMetrics, metricByKey, METRIC_KEYS } from '../suites/metrics.ts';

// The config's `gates` section, beside the gate that reads it (compare.ts); cli/config.ts places it in the config.
const gateMetric = z.strictObject({
  /** Defaults to the metric's own (suites/metrics.ts); a contrary one is refused. */
  direction: z.enum(['lower', 'higher']).optional(),
  /** Relative change that matters, e.g. 0.1 for 10%. */
  threshold: z.number().positive().max(10),
});

/** Gated metrics must be ones isobench measures, in their own direction. */
const gateMetrics = z.record(z.string(), gateMetric).transform((metrics, ctx) =>
  Object.fromEntries(
    Object.entries(metrics).flatMap(([key, gate]) => {
      const def = metricByKey(key);
      if (!def) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a metric isobench measures (suites/metrics.ts); gate one of: ${METRIC_KEYS.join(', ')}` });
        return [];
      }
      if (gate.direction && gate.direction !== def.direction) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'direction'],
          message: `${def.name} is better ${def.direction}, not ${gate.direction}: leave direction out or set it to '${def.direction}'`,
        });
        return [];
      }
      return [[key, { direction: def.direction, threshold: gate.threshold }]];
    }),
  ),
);

export const gatesSchema = z.strictObject({
  /** Family-wise significance level; corrected for the number of metrics compared. */
  alpha: z.number().positive().max(0.2).default(0.01),
  minSamples: z.number().int().min(2).default(8),
  /**
   * How far a run's level moves between runs of one build on this testbed (log-scale standard deviation, ≈ a CV):
   * `gate` and `run --gate` compare two runs made at different times, and a level difference of this spread is not
   * taken for a change. `npm run calibrate-gate -- A.json B.json C.json` (runs of one build) measures it. `ab`
   * needs none: its rounds alternate, and the level cancels within each.
   */
  runToRun: z.number().min(0).max(1).default(0.05),
  metrics: gateMetrics.default(defaultGateMetrics),
});

export type GatesConfig = z.output<typeof gatesSchema>;
