import { Counter, Histogram, type Registry } from 'prom-client';

/** What a worker counts for `/metrics`: jobs by name and outcome, and how long they ran. */
export interface JobMetrics {
  finished(name: string, outcome: 'completed' | 'failed' | 'retrying', seconds: number): void;
}

export function createJobMetrics(registry: Registry): JobMetrics {
  const jobs = new Counter({
    name: 'perfbot_jobs_total',
    help: 'Jobs run by this worker, by job name and outcome',
    labelNames: ['name', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'perfbot_job_seconds',
    help: 'Wall time of a job attempt, by job name',
    labelNames: ['name'],
    // Probes take seconds to tens of minutes.
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  return {
    finished(name, outcome, seconds) {
      jobs.inc({ name, outcome });
      duration.observe({ name }, seconds);
    },
  };
}
