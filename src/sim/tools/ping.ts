import type { SimProblems } from '../kube/problems.js';
import type { SimExecOutcome, SimTool } from '../types.js';

/**
 * `ping -c N HOST` (iputils): N echo requests one second apart, each round trip around the
 * platform's broker latency (`problems.brokerRttMs`), then the statistics lines.
 */
export const ping: SimTool = (argv, ctx) => {
  let count = 4;
  let host: string | undefined;
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-c') {
      count = Number(argv[i + 1]);
      i += 1;
    } else if (arg === '-W' || arg === '-i') i += 1;
    else if (arg.startsWith('-')) return usage(`ping: invalid option -- '${arg.slice(1, 2)}'`);
    else host = arg;
  }
  if (!Number.isInteger(count) || count < 1) return usage(`ping: invalid argument: '${String(count)}'`);
  if (host === undefined) return usage('ping: usage error: Destination address required');
  if (!/^[0-9.]+$/.test(host))
    return { stdout: '', stderr: `ping: ${host}: Name or service not known\n`, exitCode: 2 };
  const base = (ctx.state as { problems?: SimProblems }).problems?.brokerRttMs ?? 0.2;
  const rtts = Array.from({ length: count }, () => base * (0.7 + 0.6 * ctx.state.random()));
  const lines = [`PING ${host} (${host}) 56(84) bytes of data.`];
  for (const [i, rtt] of rtts.entries())
    lines.push(`64 bytes from ${host}: icmp_seq=${i + 1} ttl=64 time=${fmt(rtt)} ms`);
  const avg = rtts.reduce((a, b) => a + b, 0) / count;
  const mdev = Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / count);
  lines.push(
    '',
    `--- ${host} ping statistics ---`,
    `${count} packets transmitted, ${count} received, 0% packet loss, time ${(count - 1) * 1000 + 3}ms`,
    `rtt min/avg/max/mdev = ${Math.min(...rtts).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...rtts).toFixed(3)}/${mdev.toFixed(3)} ms`,
  );
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: 0, durationMs: (count - 1) * 1000 };
};

/** iputils prints 3 significant digits below 10 ms, fewer decimals above. */
const fmt = (ms: number) =>
  ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);

function usage(message: string): SimExecOutcome {
  return { stdout: '', stderr: `${message}\n`, exitCode: 2 };
}
