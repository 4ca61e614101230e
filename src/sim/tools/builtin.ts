import type { KubeObject } from '../../kube/port.js';
import type { SandboxStore, SandboxVolume } from '../kube/state.js';
import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';
import { ping } from './ping.js';
import { timeout } from './timeout.js';

/**
 * The plain programs every simulated container has. Each gets the whole argument vector (argv[0] is the
 * program as called) and answers with the output and exit status of its GNU coreutils namesake.
 */
const done = (stdout: string, stderr = '', exitCode = 0): SimExecOutcome => ({ stdout, stderr, exitCode });
const GI = 1024 ** 3;
/** Top-level directories that exist in every simulated container image. */
const ROOT_DIRS = new Set([
  '',
  'bin',
  'dev',
  'etc',
  'home',
  'lib',
  'opt',
  'proc',
  'root',
  'run',
  'sys',
  'tmp',
  'usr',
  'var',
]);

interface Filesystem {
  device: string;
  sizeBytes: number;
  usedBytes: number;
  mount: string;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The filesystem holding `path` in this pod: a data volume, else the container's overlay root. */
function filesystemOf(path: string, ctx: SimExecContext): Filesystem | undefined {
  const labels = (ctx.pod.metadata.labels ?? {}) as Record<string, string>;
  const volumes = ((ctx.state as Partial<SandboxStore>).volumes ?? []) as SandboxVolume[];
  const volume = volumes.find(
    (v) =>
      v.namespace === ctx.namespace &&
      matches(v.selector, labels) &&
      (path === v.mountPath || path.startsWith(`${v.mountPath}/`)),
  );
  if (volume) {
    // A little churn between reads, in whole 4 KiB blocks, as a live volume shows.
    const churn = Math.round((ctx.state.random() - 0.5) * 0.001 * volume.sizeBytes) & ~4095;
    const used = Math.min(volume.sizeBytes, Math.max(0, volume.usedBytes + churn));
    return { device: volume.device, sizeBytes: volume.sizeBytes, usedBytes: used, mount: volume.mountPath };
  }
  if (!ROOT_DIRS.has(path.split('/')[1] ?? '')) return undefined;
  return { device: 'overlay', sizeBytes: 100 * GI, usedBytes: 23 * GI, mount: '/' };
}

/** `df -P -B1 PATH` / `df -Pk PATH`: the POSIX format, columns aligned as GNU df aligns them. */
export const df: SimTool = (argv, ctx) => {
  let blockSize = 1024;
  const paths: string[] = [];
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-B1' || arg === '--block-size=1') blockSize = 1;
    else if (arg === '-B' && argv[i + 1] === '1') {
      blockSize = 1;
      i += 1;
    } else if (/^-[Pk]+$/.test(arg)) blockSize = arg.includes('k') ? 1024 : blockSize;
    else if (arg.startsWith('-')) {
      return done(
        '',
        `df: invalid option -- '${arg.replace(/^-+/, '').charAt(0)}'\nTry 'df --help' for more information.\n`,
        1,
      );
    } else paths.push(arg);
  }
  const rows: string[][] = [];
  const errors: string[] = [];
  for (const path of paths.length ? paths : ['/']) {
    const fs = filesystemOf(path, ctx);
    if (!fs) {
      errors.push(`df: ${path}: No such file or directory\n`);
      continue;
    }
    const avail = fs.sizeBytes - fs.usedBytes;
    const blocks = (n: number) => String(Math.ceil(n / blockSize));
    const pct = fs.sizeBytes > 0 ? Math.ceil((fs.usedBytes * 100) / (fs.usedBytes + avail)) : 0;
    rows.push([fs.device, blocks(fs.sizeBytes), blocks(fs.usedBytes), blocks(avail), `${pct}%`, fs.mount]);
  }
  const stdout = rows.length
    ? align([['Filesystem', `${blockSize}-blocks`, 'Used', 'Available', 'Capacity', 'Mounted on'], ...rows])
    : '';
  return done(stdout, errors.join(''), errors.length ? 1 : 0);
};

/** Left-aligns the first and last columns and right-aligns the numbers, as GNU df does. */
function align(rows: string[][]): string {
  // GNU df gives the Filesystem column at least 14 characters.
  const widths = [0, 1, 2, 3, 4].map((c) =>
    Math.max(c === 0 ? 14 : 0, ...rows.map((r) => (r[c] ?? '').length)),
  );
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c === 0 ? cell.padEnd(widths[0] ?? 0) : c === 5 ? cell : cell.padStart(widths[c] ?? 0),
        )
        .join(' '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export const echo: SimTool = (argv) => {
  const noNewline = argv[1] === '-n';
  const words = argv.slice(noNewline ? 2 : 1);
  return done(words.join(' ') + (noNewline ? '' : '\n'));
};

/** `sleep N[smhd]`: answers after the simulated time (scaled by the sandbox's speed). */
export const sleep: SimTool = (argv) => {
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(argv[1] ?? '');
  if (!match) {
    const text =
      argv[1] === undefined ? 'sleep: missing operand\n' : `sleep: invalid time interval '${argv[1]}'\n`;
    return done('', `${text}Try 'sleep --help' for more information.\n`, 1);
  }
  return { ...done(''), durationMs: Number(match[1]) * (units[match[2] ?? ''] ?? 1) * 1000 };
};

/** The container an exec runs in (its `container`, else the pod's first). */
export function containerOf(ctx: SimExecContext): Record<string, unknown> | undefined {
  const containers =
    (ctx.pod.spec as { containers?: Record<string, unknown>[] } | undefined)?.containers ?? [];
  return containers.find((c) => c.name === ctx.container) ?? containers[0];
}

/** The files of the ConfigMaps mounted into the container, by path: knobs that edit them show up here. */
export function configFiles(ctx: SimExecContext): Map<string, string> {
  const files = new Map<string, string>();
  const podVolumes =
    (ctx.pod.spec as { volumes?: { name: string; configMap?: { name: string } }[] }).volumes ?? [];
  const mounts = (containerOf(ctx)?.volumeMounts ?? []) as { name: string; mountPath: string }[];
  for (const mount of mounts) {
    const source = podVolumes.find((v) => v.name === mount.name)?.configMap?.name;
    const cm: KubeObject | undefined = source ? ctx.state.get('ConfigMap', ctx.namespace, source) : undefined;
    for (const [key, value] of Object.entries((cm?.data ?? {}) as Record<string, string>)) {
      files.set(`${mount.mountPath}/${key}`, value);
    }
  }
  return files;
}

/** `cat FILE…`: /etc/hostname, /etc/os-release, mounted ConfigMap files; no operand copies stdin. */
export const cat: SimTool = (argv, ctx) => {
  if (argv.length < 2) return done(ctx.stdin);
  const files = configFiles(ctx);
  files.set('/etc/hostname', `${ctx.pod.metadata.name}\n`);
  files.set(
    '/etc/os-release',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  );
  let stdout = '';
  let stderr = '';
  for (const path of argv.slice(1)) {
    const text = path === '-' ? ctx.stdin : files.get(path);
    if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
    else stdout += text;
  }
  return done(stdout, stderr, stderr ? 1 : 0);
};

/** `env`: the container's environment as the kubelet sets it, so the env a knob sets can be verified. */
export const env: SimTool = (_argv, ctx) => {
  const vars = (containerOf(ctx)?.env ?? []) as { name: string; value?: string }[];
  const lines = [
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `HOSTNAME=${ctx.pod.metadata.name}`,
    ...vars.map((v) => `${v.name}=${v.value ?? ''}`),
    'HOME=/root',
  ];
  return done(`${lines.join('\n')}\n`);
};

/** The programs every simulated container has, keyed by basename. */
export const builtinTools: Readonly<Record<string, SimTool>> = {
  df,
  echo,
  true: () => done(''),
  false: () => done('', '', 1),
  sleep,
  cat,
  env,
  ping,
  // Runs another program of the exec's tools map under a deadline (timeout.ts).
  timeout,
};
