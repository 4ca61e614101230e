import { z } from 'zod';
import type { PodInfo } from '../../kube/port.js';
import type { ProbeDeps } from '../types.js';

const PodEnv = z.looseObject({
  spec: z.looseObject({
    containers: z.array(
      z.looseObject({
        name: z.string(),
        env: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
      }),
    ),
  }),
});

/** The broker's `KAFKA_HEAP_OPTS`, when the pod spec sets it (context only: failure is not an error). */
export async function readHeapOpts(
  deps: ProbeDeps,
  pod: PodInfo,
  container: string,
): Promise<string | undefined> {
  try {
    const obj = await deps.kube.getObject({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name,
    });
    const parsed = PodEnv.safeParse(obj);
    if (!parsed.success) return undefined;
    const c = parsed.data.spec.containers.find((x) => x.name === container);
    return c?.env?.find((e) => e.name === 'KAFKA_HEAP_OPTS')?.value;
  } catch (error) {
    deps.log.debug(
      { err: error, service: 'kafka' },
      'could not read the broker pod spec for its heap setting',
    );
    return undefined;
  }
}
