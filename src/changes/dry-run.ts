import { asPerfError } from '../errors.js';
import type { KubePort } from '../kube/port.js';
import type { Check, KubeWrite } from './plan.js';

const describe = (w: KubeWrite) => `${w.ref.kind} ${w.ref.namespace}/${w.ref.name}`;

/**
 * The API server's own verdict on every write, before the card (`dryRun=All`: admission, validation
 * and defaulting run, nothing is stored). One check per write.
 *
 * @example plan.checks.push(...(await dryRunWrites(ctx.kube, writes)))
 */
export async function dryRunWrites(kube: KubePort, writes: readonly KubeWrite[]): Promise<Check[]> {
  return Promise.all(
    writes.map(async (write): Promise<Check> => {
      try {
        await kube.patchObject(write.ref, write.patch, { type: write.type, dryRun: true });
        return { name: 'server-side dry run', outcome: 'pass', detail: `${describe(write)}: accepted` };
      } catch (error) {
        const e = asPerfError(error);
        return {
          name: 'server-side dry run',
          outcome: 'fail',
          detail: `${describe(write)}: ${e.userMessage}`,
        };
      }
    }),
  );
}
