/**
 * Benchmark: `/perf bottlenecks` against cluster size (issue #17). For 1k, 5k and 20k simulated pods
 * (25 pods a node), the time to collect every source (`collectFacts`, through the real Kubernetes
 * client against the simulated API server) and rank the findings, beside the floor: listing those
 * pods (every configured namespace) and the nodes once, through the same client, in the same run.
 * The sandbox shows the bottlenecks scenario, so that the rules have findings to rank. Prints the
 * figures; asserts nothing (the goals are shown beside them).
 */
import { collectFacts } from '../src/bottlenecks/collect.js';
import { findBottlenecks } from '../src/bottlenecks/rules.js';
import { PlatformConfigSchema } from '../src/config/platform.js';
import { createKubeClient } from '../src/kube/client.js';
import { sandboxKubeconfig } from '../src/sim/kube/kubeconfig.js';
import { startSandbox } from '../src/sim/kube/server.js';
import { kafkaTools } from '../src/sim/tools/kafka.js';
import { psqlTools } from '../src/sim/tools/psql.js';
import { createTrinoRoute } from '../src/sim/trino/route.js';
import { benchOptions } from './lib/options.js';
import { type Row, report, row } from './lib/report.js';
import { nowMs, spread } from './lib/stats.js';

const NAME = 'bottlenecks';
const PODS_PER_NODE = 25;
const options = benchOptions();
const SIZES = options.full ? [1000, 5000, 20_000] : [1000, 5000, 20_000];
const REPEATS = options.full ? 7 : 3;

const platform = PlatformConfigSchema.parse({});
const namespaces = platform.services.resources.namespaces;

async function measure(pods: number) {
  const sandbox = await startSandbox({
    port: 0,
    speed: 0,
    checkTemplate: null,
    tools: { ...kafkaTools, ...psqlTools },
    routes: [createTrinoRoute({ speed: 0 })],
    pods,
    nodes: Math.ceil(pods / PODS_PER_NODE),
    scenario: 'bottlenecks',
  });
  try {
    const kube = createKubeClient({ kubeConfigYaml: sandboxKubeconfig(sandbox.url) });
    const floor = async () => {
      const t0 = nowMs();
      const [listed, nodes] = await Promise.all([
        Promise.all(namespaces.map((ns) => kube.listPods(ns))),
        kube.listNodes(),
      ]);
      return { ms: nowMs() - t0, pods: listed.flat().length, nodes: nodes.length };
    };
    const answer = async () => {
      const t0 = nowMs();
      const facts = await collectFacts(
        { kube, platform, now: () => new Date().toISOString(), fetch: globalThis.fetch },
        { timeoutMs: 30_000 },
      );
      const findings = findBottlenecks(facts, platform.bottlenecks.thresholds, Date.now());
      return {
        ms: nowMs() - t0,
        findings: findings.length,
        unread: findings.filter((f) => f.rule === 'source').length,
      };
    };
    // One of each first: connections, discovery, JIT.
    const seen = await floor();
    await answer();
    const floors: number[] = [];
    const answers: number[] = [];
    let last = { findings: 0, unread: 0 };
    for (let i = 0; i < REPEATS; i += 1) {
      floors.push((await floor()).ms);
      const a = await answer();
      answers.push(a.ms);
      last = a;
    }
    return { pods: seen.pods, nodes: seen.nodes, floor: spread(floors), answer: spread(answers), ...last };
  } finally {
    await sandbox.close();
  }
}

const rows: Row[] = [];
const details: unknown[] = [];
for (const size of SIZES) {
  const m = await measure(size);
  details.push(m);
  process.stdout.write(
    `${m.pods} pods, ${m.nodes} nodes: collect+rank p50 ${m.answer.p50.toFixed(0)} ms, floor p50 ${m.floor.p50.toFixed(0)} ms, ${m.findings} findings (${m.unread} unread sources)\n`,
  );
  rows.push(
    row(NAME, {
      figure: `collect+rank at ${m.pods} pods / ${m.nodes} nodes, p50`,
      unit: 'ms',
      perfbot: m.answer.p50,
      floor: m.floor.p50,
      ...(size === 5000 ? { goal: '≤ 1.5× listing pods and nodes once', limit: 1.5 } : {}),
    }),
  );
  if (size === 5000)
    rows.push(
      row(NAME, {
        figure: `collect+rank at ${m.pods} pods / ${m.nodes} nodes, max`,
        unit: 'ms',
        perfbot: m.answer.max,
        goal: '≤ 5 s',
        limit: 5000,
        absolute: true,
      }),
    );
}

report({
  name: NAME,
  settings: { sizes: SIZES, podsPerNode: PODS_PER_NODE, repeats: REPEATS, scenario: 'bottlenecks' },
  notes: [
    'collect+rank: every source of `/perf bottlenecks` read once, in parallel (pods, usage, one cAdvisor call per node, df, ping, Kafka tools, Trino, psql, workloads), then the rules',
    'floor: `listPods` of every configured namespace and `listNodes`, in parallel, through the same client (kubectl get pods -A -o json plus the node list)',
    'the simulated API server and the client share this machine: both sides of the ratio pay for it',
  ],
  rows,
  details,
});
