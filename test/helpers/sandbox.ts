import { createKubeClient } from '../../src/kube/client.js';
import type { KubePort } from '../../src/kube/port.js';
import { sandboxKubeconfig } from '../../src/sim/kube/kubeconfig.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sim/kube/server.js';

export interface TestSandbox {
  sandbox: Sandbox;
  /** The real adapter (`createKubeClient`) pointed at the sandbox through its kubeconfig. */
  kube: KubePort;
  close(): Promise<void>;
}

/**
 * Starts the simulated platform on a free port at full speed (`speed: 0`: simulated durations and rollouts
 * take no time) and connects the real Kubernetes adapter to it. Pass `tools`/`routes` to add simulated
 * programs and services.
 * @example const { sandbox, kube, close } = await startTestSandbox({ tools: { psql: fakePsql } });
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ port: 0, speed: 0, ...options });
  const kube = createKubeClient({ kubeConfigYaml: sandboxKubeconfig(sandbox.url) });
  return { sandbox, kube, close: () => sandbox.close() };
}
