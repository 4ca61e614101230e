import { randomInt } from 'node:crypto';
import type { PlatformConfig } from '../config/platform.js';
import { sandboxKubeconfig } from './kube/kubeconfig.js';
import type { ScenarioName } from './kube/scenario.js';
import { type Sandbox, startSandbox } from './kube/server.js';
import { jvmTools } from './tools/jcmd.js';
import { kafkaTools } from './tools/kafka.js';
import { psqlTools } from './tools/psql.js';
import { rayTools } from './tools/ray.js';
import { redisTools } from './tools/redis-cli.js';
import { createTrinoRoute } from './trino/route.js';

export interface SimulatedPlatform {
  sandbox: Sandbox;
  url: string;
  /** The seed of its noise: given, or fresh at each start (`--seed N` repeats a start's figures). */
  seed: number;
  /** The factor on the time its tools and Trino take against the time they report. */
  speed: number;
  /** A kubeconfig (YAML) whose only cluster is this simulated platform. */
  kubeconfig: string;
  /** perfbot.yaml settings that point the probes at the simulated services (Trino's URL, …). */
  overlay(platform: PlatformConfig): PlatformConfig;
  close(): Promise<void>;
}

export interface SimulatedPlatformOptions {
  port?: number;
  /** Unset: a fresh seed, so that one start's figures differ from the next one's as real runs do. */
  seed?: number;
  /** Scales simulated run times (1 = as long as the real tools would take; the demo uses less). */
  speed?: number;
  /** Total pods and nodes (`--pods`, `--nodes`): the runbook's, then more of the same. */
  pods?: number;
  nodes?: number;
  /** A named set of problems (`--scenario bottlenecks`); unset: a healthy platform. */
  scenario?: ScenarioName;
}

/**
 * The whole simulated platform: the Kubernetes API subset with Kafka's perf tools, psql and the Ray
 * benchmark behind exec, and Trino's REST protocol behind the service proxy (and under `/trino`). Only ever started when
 * asked for by name (`perfbot sandbox`, `perfbot demo`, `--sandbox`, tests).
 */
export async function startSimulatedPlatform(
  options: SimulatedPlatformOptions = {},
): Promise<SimulatedPlatform> {
  const speed = options.speed ?? 1;
  const seed = options.seed ?? freshSeed();
  const trino = createTrinoRoute({ speed });
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    seed,
    speed,
    tools: { ...kafkaTools, ...psqlTools, ...rayTools, ...jvmTools, ...redisTools() },
    routes: [trino],
    ...(options.pods === undefined ? {} : { pods: options.pods }),
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
  });
  const url = sandbox.url;
  return {
    sandbox,
    url,
    seed,
    speed,
    kubeconfig: sandboxKubeconfig(url),
    overlay: (platform) => overlaySimulated(platform),
    close: () => sandbox.close(),
  };
}

/** A seed for one start: any 31-bit number but 0 (mulberry32 takes any; 0 reads as "unset" to people). */
export function freshSeed(): number {
  return randomInt(1, 2 ** 31);
}

/**
 * Shortens waits that only matter on a real cluster. Trino needs no setting: it is reached through the
 * simulated API server's service proxy, as on a real cluster.
 */
export function overlaySimulated(platform: PlatformConfig): PlatformConfig {
  const { services } = platform;
  return {
    ...platform,
    services: {
      ...services,
      // The simulated metrics API answers fresh figures at once; metrics-server needs ~15 s.
      resources: { ...services.resources, intervalSeconds: Math.min(services.resources.intervalSeconds, 1) },
      postgres: { ...services.postgres, intervalSeconds: Math.min(services.postgres.intervalSeconds, 1) },
    },
  };
}
