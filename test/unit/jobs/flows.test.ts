import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../../src/domain/services.js';
import type { ChildOutcome, Origin } from '../../../src/jobs/contracts.js';
import {
  type FlowChild,
  flowJob,
  planFlow,
  settleFlow,
  stageJobs,
  stagesOf,
} from '../../../src/jobs/flows.js';

const origin: Origin = {
  userId: 'U1',
  source: 'cli',
  thread: { channel: 'cli', threadTs: 'cli.000001' },
  statusTs: 'cli.000001',
};
const payload = {
  target: 'all' as const,
  options: { runs: 1 },
  origin,
  requestedAt: '2026-01-01T00:00:00.000Z',
};
const groups = [['kafka', 'trino'], ['ray'], ['postgres', 'resources']] as const;

describe('flows: baseline all, laid out once for the worker and the CLI', () => {
  it('plans one child per service of jobs.groups, ids <parent>-<service>, payloads naming their parent', () => {
    const plan = planFlow(
      'all-1',
      payload,
      groups.map((g) => [...g]),
    );
    expect(plan.map((g) => g.map((c) => c.jobId))).toEqual([
      ['all-1-kafka', 'all-1-trino'],
      ['all-1-ray'],
      ['all-1-postgres', 'all-1-resources'],
    ]);
    expect(plan[0]?.[0]?.payload).toMatchObject({ service: 'kafka', options: { runs: 1 }, partOf: 'all-1' });
  });

  it('stages the default groups: resources alone first (measured apart), then every other service side by side', () => {
    const plan = planFlow(
      'all-0',
      payload,
      SERVICE_NAMES.map((name) => [name]),
    );
    const stages = stagesOf(plan).map((stage) => stage.map((group) => group.map((c) => c.service)));
    expect(stages).toEqual([[['resources']], [['kafka'], ['trino'], ['ray'], ['postgres']]]);
  });

  it('takes a service measured apart out of its group, the rest of the group keeping its order', () => {
    const plan = planFlow(
      'all-0',
      payload,
      groups.map((g) => [...g]),
    );
    const stages = stagesOf(plan).map((stage) => stage.map((group) => group.map((c) => c.service)));
    expect(stages).toEqual([[['resources']], [['kafka', 'trino'], ['ray'], ['postgres']]]);
  });

  it('runs resources first, then groups in parallel and the services of a group in order; a failed child stops neither', async () => {
    const plan = planFlow(
      'all-2',
      payload,
      groups.map((g) => [...g]),
    );
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    const settle = (child: FlowChild) =>
      new Promise<ChildOutcome>((resolve) => {
        started.push(child.service);
        releases.set(child.service, () =>
          resolve(
            child.service === 'kafka'
              ? { service: child.service, resultId: null, error: 'broker down' }
              : { service: child.service, resultId: `r-${child.service}`, error: null },
          ),
        );
      });
    const stagesAwaited: number[] = [];
    const all = settleFlow(plan, settle, async (_stage, index) => {
      stagesAwaited.push(index);
    });
    await Promise.resolve();
    // Resources alone, before any other probe loads the cluster.
    expect(started).toEqual(['resources']);
    releases.get('resources')?.();
    await new Promise((r) => setImmediate(r));
    expect(stagesAwaited).toEqual([1]);
    // Then the first of every group at once; the second of a group only after the first ended.
    expect(started).toEqual(['resources', 'kafka', 'ray', 'postgres']);
    releases.get('kafka')?.();
    await new Promise((r) => setImmediate(r));
    expect(started).toContain('trino');
    for (const service of ['trino', 'ray', 'postgres']) releases.get(service)?.();
    const outcomes = await all;
    expect(outcomes.map((o) => o.service)).toEqual(['kafka', 'trino', 'ray', 'postgres', 'resources']);
    expect(outcomes[0]?.error).toBe('broker down');
    expect(outcomes[1]?.resultId).toBe('r-trino');
  });

  it('lays the first stage out as a BullMQ tree, a later stage as chains under the parent: each service the child of the next in its group', () => {
    const plan = planFlow(
      'all-3',
      payload,
      groups.map((g) => [...g]),
    );
    const tree = flowJob({ name: 'baseline-all', jobId: 'all-3', payload }, plan, { attempts: 2 });
    expect(tree.opts?.jobId).toBe('all-3');
    // The first stage only: resources alone; the parent queues the rest under itself when it has ended.
    expect(tree.children?.map((c) => c.opts?.jobId)).toEqual(['all-3-resources']);
    const later = stageJobs(stagesOf(plan)[1] ?? [], { attempts: 2 }, { id: 'all-3', queue: 'bull:perfbot' });
    // BullMQ runs children first: the last of a group is the top of its chain.
    expect(later.map((c) => c.opts?.jobId)).toEqual(['all-3-trino', 'all-3-ray', 'all-3-postgres']);
    expect(later[0]?.opts).toMatchObject({ parent: { id: 'all-3', queue: 'bull:perfbot' } });
    expect(later[0]?.children?.[0]?.opts?.jobId).toBe('all-3-kafka');
    expect(later[0]?.children?.[0]?.opts).toMatchObject({ ignoreDependencyOnFailure: true });
  });
});
