import { buildResourcesChart } from '../../charts/resources.js';
import type { ServiceDescriptor } from '../../domain/service.js';
import { buildResourcesTables } from '../../present/resources.js';
import { ResourcesSchema } from './config.js';
import { RESOURCES_METRICS } from './metrics.js';
import { ResourcesDetailsSchema } from './schema.js';

const detailsOf = (details: unknown) => ResourcesDetailsSchema.safeParse(details);

/**
 * Resources: node and pod usage (metrics.k8s.io) and data volumes (`df`). Its chart is every node's
 * CPU and memory, drawn from the result's details; its nodes, pods and volumes get tables of their own.
 */
export const resources: ServiceDescriptor<'resources', typeof ResourcesSchema> = {
  name: 'resources',
  loadProbe: () => import('./run.js').then((m) => m.resourcesProbe),
  config: ResourcesSchema,
  options: ['runs'],
  metrics: RESOURCES_METRICS,
  charts: [
    {
      id: 'nodes',
      title: 'Node usage, % of allocatable',
      unit: '%',
      metrics: RESOURCES_METRICS.filter((m) => m.key.includes('_node_')).map((m) => m.key),
      draw(result) {
        const details = detailsOf(result.details);
        return details.success
          ? buildResourcesChart(details.data, result.id, result.context.simulated)
          : undefined;
      },
    },
  ],
  knobs: [],
  rules: [],
  table: buildResourcesTables,
  measuredApart: true,
};
