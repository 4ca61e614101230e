import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TOKEN } from '../../src/sim/kube/kubeconfig.js';
import type { SandboxRoute } from '../../src/sim/kube/server.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const echoRoute: SandboxRoute = {
  prefix: '/svc/echo',
  handle(req, res, state) {
    const pods = state.list('Pod', 'kafka').length;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, pods }));
  },
};

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox({ routes: [echoRoute] });
});
afterAll(() => t.close());

const auth = { authorization: `Bearer ${SANDBOX_TOKEN}` };

describe('sandbox server', () => {
  it('mounts extra routes under their prefix', async () => {
    const res = await fetch(`${t.sandbox.url}/svc/echo/v1/info`);
    expect(await res.json()).toEqual({ path: '/svc/echo/v1/info', pods: 3 });
  });

  it('sets and clears faults over HTTP', async () => {
    const set = await fetch(`${t.sandbox.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'exec.slow', spec: { delayMs: 10, times: 2 } }),
    });
    expect(set.status).toBe(201);
    expect(t.sandbox.faults.has('exec.slow')).toBe(true);
    await fetch(`${t.sandbox.url}/sandbox/faults/exec.slow`, { method: 'DELETE' });
    expect(t.sandbox.faults.has('exec.slow')).toBe(false);
    const bad = await fetch(`${t.sandbox.url}/sandbox/faults`, { method: 'POST', body: '{"spec":1}' });
    expect(bad.status).toBe(400);
  });

  it('answers errors with a Kubernetes Status', async () => {
    const res = await fetch(`${t.sandbox.url}/api/v1/namespaces/kafka/pods/nope`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: '', kind: 'pods' },
      code: 404,
    });
  });

  it('refuses a wrong bearer token and an unknown patch type', async () => {
    const wrong = await fetch(`${t.sandbox.url}/api/v1/nodes`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const apply = await fetch(`${t.sandbox.url}/api/v1/namespaces/kong/configmaps/postgresql-configuration`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/apply-patch+yaml' },
      body: 'data: {}',
    });
    expect(apply.status).toBe(415);
  });

  it('records the requests it served, without headers or bodies', async () => {
    await t.kube.listPods('kafka', 'app.kubernetes.io/name=kafka');
    const last = t.sandbox.requests.at(-1);
    expect(last).toEqual({
      method: 'GET',
      path: '/api/v1/namespaces/kafka/pods',
      query: '?labelSelector=app.kubernetes.io%2Fname%3Dkafka',
    });
  });
});
