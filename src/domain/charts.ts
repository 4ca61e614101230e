import { buildBaselineCharts } from '../charts/baseline.js';
import type { ChartSpec } from '../charts/port.js';
import type { ProbeResult } from '../results/schema.js';
import { serviceOf } from './services.js';

/** A result's charts, as its service's descriptor declares them (the worker and the CLI upload these). */
export function chartsOf(result: ProbeResult): ChartSpec[] {
  return buildBaselineCharts(result, serviceOf(result.service).charts);
}
