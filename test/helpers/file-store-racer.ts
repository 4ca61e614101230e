/**
 * One contender in a race between processes over one file store (store-file-processes.test.ts):
 * says it is ready (`<dir>/ready-<name>`), waits for `<dir>/go`, then takes the kafka measurement lock, records a journal step and moves
 * change `chg-1` from version 1, printing the three outcomes as one JSON line.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileStore } from '../../src/store/file-store.js';
import { JournalStep } from '../../src/store/keys.js';

const [dir = '', name = ''] = process.argv.slice(2);
const store = createFileStore(dir, 10);
await writeFile(join(dir, `ready-${name}`), '');
const deadline = Date.now() + 20_000;
while (
  Date.now() < deadline &&
  !(await access(join(dir, 'go')).then(
    () => true,
    () => false,
  ))
) {
  await new Promise((done) => setTimeout(done, 5));
}
const [lock, first, change] = await Promise.all([
  store.locks.acquireMeasure('kafka', name, 60_000),
  store.journal.record(JournalStep.flowRunning('flow-1'), name),
  store.changes.transition('chg-1', {
    expectedVersion: 1,
    to: 'approved',
    actor: name,
    at: new Date().toISOString(),
  }),
]);
process.stdout.write(`${JSON.stringify({ lock: lock.acquired, first, change: change.ok })}\n`);
