import { z } from 'zod';
import { kafka } from '../probes/kafka/index.js';
import { postgres } from '../probes/postgres/index.js';
import { ray } from '../probes/ray/index.js';
import { resources } from '../probes/resources/index.js';
import { trino } from '../probes/trino/index.js';
import type { Probe } from '../probes/types.js';
import type { ServiceDescriptor } from './service.js';

/**
 * Every service perfbot measures, in the order the usage line, perfbot.yaml and `baseline all` list
 * them. Adding a service is its folder (`probes/<svc>/`, with `index.ts` its descriptor) and one
 * entry here: the grammar, the config schema, the CLI, the store, the charts and views iterate this.
 */
export const SERVICES = [kafka, trino, ray, postgres, resources] as const;

export type Service = (typeof SERVICES)[number];
export const SERVICE_NAMES = SERVICES.map((s) => s.name) as [Service['name'], ...Service['name'][]];
export const ServiceNameSchema = z.enum(SERVICE_NAMES);
export type ServiceName = z.infer<typeof ServiceNameSchema>;

const BY_NAME = new Map<string, ServiceDescriptor>(SERVICES.map((s) => [s.name, s]));

/** The descriptor of a service (a `ServiceName` always has one). */
export function serviceOf(name: ServiceName): ServiceDescriptor<ServiceName> {
  return BY_NAME.get(name) as ServiceDescriptor<ServiceName>;
}

/** Every service's probe, loaded (a worker or the CLI, before its first job; never the bot). */
export async function loadProbes(): Promise<Readonly<Record<ServiceName, Probe>>> {
  const loaded = await Promise.all(SERVICES.map(async (s) => [s.name, await s.loadProbe()] as const));
  return Object.fromEntries(loaded) as Record<ServiceName, Probe>;
}
