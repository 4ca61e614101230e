import type { ServiceName } from '../commands/command.js';
import { kafkaProbe } from './kafka/run.js';
import { postgresProbe } from './postgres/run.js';
import { rayProbe } from './ray/run.js';
import { resourcesProbe } from './resources/run.js';
import { trinoProbe } from './trino/run.js';
import type { Probe } from './types.js';

/** Every service's probe; `baseline <service>` looks its probe up here. */
export const probes: Readonly<Record<ServiceName, Probe>> = {
  kafka: kafkaProbe,
  trino: trinoProbe,
  ray: rayProbe,
  postgres: postgresProbe,
  resources: resourcesProbe,
};
