import type { ProbeResult } from '../../src/results/schema.js';

/** A ProbeResult builder with overrides (bolt's createDummy… style). Samples are the caller's. */
export function aResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  const finishedAt = overrides.finishedAt ?? '2026-11-24T10:00:00.000Z';
  return {
    id: `${finishedAt.replace(/[-:.]/g, '')}-kafka-x`,
    service: 'kafka',
    startedAt: '2026-11-24T09:59:00.000Z',
    finishedAt,
    params: { records: 1000 },
    metrics: [
      {
        key: 'producer.records_per_sec',
        label: 'Producer',
        unit: 'records/s',
        direction: 'higher_is_better',
      },
    ],
    runs: [
      {
        index: 0,
        startedAt: '2026-11-24T09:59:00.000Z',
        durationMs: 1,
        samples: { 'producer.records_per_sec': 1 },
        raw: '',
      },
    ],
    summary: [],
    context: {},
    previousId: null,
    ...overrides,
  };
}
