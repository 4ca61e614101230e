import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  date: string;
  /** 1-minute load average when the benchmark ended: other work on the machine shows here. */
  loadAvg1: number;
}

/** What the figures were measured on: they only compare within one run on one machine. */
export function machineInfo(): Machine {
  return {
    nproc: cpus().length,
    cpu: cpuModel(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAvg1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

export function describeMachine(m: Machine): string {
  const when = m.date.slice(0, 16).replace('T', ' ');
  return `${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${when} UTC, load ${m.loadAvg1}`;
}
