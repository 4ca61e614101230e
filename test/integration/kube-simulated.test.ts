import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSimulated } from '../../src/job-deps.js';
import { SIMULATED_LABEL } from '../../src/kube/port.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t?.close();
});

describe('the simulated platform names itself', () => {
  it('labels its nodes, so results measured there are marked simulated even through a plain kubeconfig', async () => {
    const nodes = await t.kube.listNodes();
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.labels[SIMULATED_LABEL] === 'true')).toBe(true);
    expect(await detectSimulated(t.kube)).toBe(true);
  });

  it('does not call a cluster simulated when its nodes lack the label', async () => {
    for (const node of await t.kube.listNodes()) {
      await t.kube.patchObject(
        { apiVersion: 'v1', kind: 'Node', namespace: '', name: node.name },
        { metadata: { labels: { [SIMULATED_LABEL]: null } } },
        { type: 'merge' },
      );
    }
    expect(await detectSimulated(t.kube)).toBe(false);
  });
});
