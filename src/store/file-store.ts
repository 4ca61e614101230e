import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.js';
import { type ProbeResult, ProbeResultSchema } from '../results/schema.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { createFileBottleneckAnswers } from './bottleneck-answers.js';
import { createFileChanges } from './file-changes.js';
import { createFileJournal } from './file-journal.js';
import { createFileLocks } from './file-locks.js';
import type { Results, Store } from './port.js';

/**
 * The CLI's store when no Redis answers: one JSON file per result under `<dir>/results/<service>/`,
 * the audit log as JSON lines, and the journal, locks and change records as files whose atomic
 * steps (exclusive create, rename; `file-atomic.ts`) hold for several processes on one machine.
 */
export function createFileStore(dir: string, keepResults: number, now: () => number = Date.now): Store {
  const audit = createFileAudit(dir, now);
  return {
    results: createFileResults(dir, keepResults),
    journal: createFileJournal(dir, now),
    locks: createFileLocks(dir, now),
    audit,
    changes: createFileChanges(dir, audit),
    bottlenecks: createFileBottleneckAnswers(dir),
    describe: () => `local files in ${dir}`,
    async close() {},
  };
}

function createFileResults(dir: string, keepResults: number): Results {
  const serviceDir = (service: ServiceName) => join(dir, 'results', service);

  async function ids(service: ServiceName): Promise<string[]> {
    try {
      // Ids start with the finish time, so that name order is time order.
      return (await readdir(serviceDir(service)))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  }

  async function read(service: ServiceName, id: string): Promise<ProbeResult | undefined> {
    try {
      return ProbeResultSchema.parse(
        JSON.parse(await readFile(join(serviceDir(service), `${id}.json`), 'utf8')),
      );
    } catch {
      return undefined;
    }
  }

  async function history(service: ServiceName, limit: number): Promise<ProbeResult[]> {
    const found = await Promise.all((await ids(service)).slice(-limit).map((id) => read(service, id)));
    return found.filter((r): r is ProbeResult => r !== undefined);
  }

  return {
    async save(result) {
      const valid = ProbeResultSchema.parse(result);
      await mkdir(serviceDir(valid.service), { recursive: true });
      await writeFile(join(serviceDir(valid.service), `${valid.id}.json`), JSON.stringify(valid, null, 2));
      const stale = (await ids(valid.service)).slice(0, -keepResults);
      await Promise.all(
        stale.map((id) => rm(join(serviceDir(valid.service), `${id}.json`), { force: true })),
      );
    },
    async get(id) {
      for (const service of SERVICE_NAMES) {
        const found = await read(service, id);
        if (found) return found;
      }
      return undefined;
    },
    async latest(service) {
      return (await history(service, 1))[0];
    },
    history,
  };
}

function createFileAudit(dir: string, now: () => number): AuditLog {
  return {
    async append(entry: AuditEntry) {
      await mkdir(dir, { recursive: true });
      const record = { ...entry, at: entry.at ?? new Date(now()).toISOString() };
      // One short line per append (O_APPEND): lines of several processes do not interleave.
      await appendFile(join(dir, 'audit.jsonl'), `${JSON.stringify(record)}\n`);
    },
    async read(limit: number) {
      const text = await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .slice(-limit)
        .map((line) => JSON.parse(line));
    },
  };
}
