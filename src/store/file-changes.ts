import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { applyTransition, type ChangeRecord, ChangeRecordSchema } from '../changes/record.js';
import type { AuditLog } from './audit.js';
import { createdEntry, transitionEntry } from './change-audit.js';
import type { ChangeRecords } from './changes.js';
import { createExclusively, readText, withFileMutex, writeAtomically } from './file-atomic.js';

/**
 * Change records as files (`changes/<id>.json`). A transition reads, checks the version and writes
 * (atomic rename) under the record's mutex file, so that it is a compare-and-set for every process
 * on this machine; the audit entry is appended inside the same critical section.
 */
export function createFileChanges(dir: string, audit: AuditLog): ChangeRecords {
  const root = join(dir, 'changes');
  const path = (id: string) => join(root, `${encodeURIComponent(id)}.json`);

  async function get(id: string): Promise<ChangeRecord | undefined> {
    const text = await readText(path(id));
    return text === undefined ? undefined : ChangeRecordSchema.parse(JSON.parse(text));
  }

  return {
    async create(record) {
      const valid = ChangeRecordSchema.parse(record);
      await mkdir(root, { recursive: true });
      if (!(await createExclusively(path(valid.id), JSON.stringify(valid))))
        return { ok: false, reason: 'exists' };
      await audit.append(createdEntry(valid));
      return { ok: true };
    },
    get,
    async transition(id, request) {
      await mkdir(root, { recursive: true });
      return withFileMutex(`${path(id)}.mutex`, async () => {
        const record = await get(id);
        if (!record) return { ok: false, reason: 'not_found' } as const;
        const next = applyTransition(record, request);
        if (!next.ok) return next;
        await writeAtomically(path(id), JSON.stringify(next.record));
        await audit.append(transitionEntry(record, next.record));
        return next;
      });
    },
    async list(service) {
      const names = await readdir(root).catch(() => [] as string[]);
      const ids = names.filter((n) => n.endsWith('.json')).map((n) => decodeURIComponent(n.slice(0, -5)));
      const found = await Promise.all(ids.map(get));
      return found
        .filter((r): r is ChangeRecord => r !== undefined && (!service || r.service === service))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}
