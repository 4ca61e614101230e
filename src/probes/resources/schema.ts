import { z } from 'zod';

/** The detail a `resources` result carries for its view and chart (top nodes, pods near their limits, disks). */
export const NodeRowSchema = z.object({
  name: z.string(),
  cpuMilli: z.number(),
  cpuAllocatableMilli: z.number(),
  cpuPct: z.number(),
  memoryBytes: z.number(),
  memoryAllocatableBytes: z.number(),
  memoryPct: z.number(),
});

export const PodRowSchema = z.object({
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  cpuMilli: z.number(),
  cpuLimitMilli: z.number().nullable(),
  /** Usage over limit in percent; null when the container sets no limit. */
  cpuPctOfLimit: z.number().nullable(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number().nullable(),
  memoryPctOfLimit: z.number().nullable(),
});

export const VolumeRowSchema = z.object({
  name: z.string(),
  pod: z.string(),
  path: z.string(),
  usedBytes: z.number(),
  sizeBytes: z.number(),
  usedPct: z.number(),
});

export const ResourcesDetailsSchema = z.object({
  nodes: z.array(NodeRowSchema),
  /** Sorted: closest to a limit first (max of the CPU and memory percentages). */
  pods: z.array(PodRowSchema),
  /** Pods without a limit, which `pods` cannot rank. */
  podsWithoutLimits: z.number().int(),
  volumes: z.array(VolumeRowSchema),
});
export type ResourcesDetails = z.infer<typeof ResourcesDetailsSchema>;
export type NodeRow = z.infer<typeof NodeRowSchema>;
export type PodRow = z.infer<typeof PodRowSchema>;
