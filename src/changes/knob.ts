import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { PlatformConfig } from '../config/platform.js';
import type { ComponentName } from '../domain/components.js';
import type { KubePort } from '../kube/port.js';
import type { ChangePlan } from './plan.js';

/**
 * A knob set: one tunable part of one component (`dolphinscheduler jvm`, `postgres pool`, `redis
 * cache`, …), as `/perf tune <component> <knob-set> [key=value …]` names it. It knows its keys and
 * their types, its recommended values, how its change is applied and verified, which restart it needs,
 * and its risk tier; the engine (`changes/engine.ts`) does the generic part (bind, write, watch the
 * rollout, verify, restore). Registered in `changes/knob-sets.ts`.
 */

/** What a knob set may use: the live cluster (through the port), the config, and the clock. */
export interface KnobContext {
  platform: PlatformConfig;
  kube: KubePort;
  /**
   * The parsed environment, for what only it holds (`PERFBOT_POSTGRES_URL` of a direct PostgreSQL
   * session). Absent: the defaults (a direct session is then built from perfbot.yaml and its Secret).
   */
  env?: Env;
  log: Logger;
  signal?: AbortSignal;
  fetch: typeof fetch;
  /** ISO time, for notes and annotations. */
  now(): string;
}

/** One key a knob set takes, as `/perf help tune` and a usage error list it. */
export interface KnobKey {
  name: string;
  /** "a heap size such as 16g (-Xmx), at most the container's memory limit". */
  description: string;
}

/** The proof a change took (or was undone): every line says what was read, and from where. */
export interface Verification {
  ok: boolean;
  lines: string[];
}

export interface KnobSet {
  component: ComponentName;
  name: string;
  /** One line for help: "JAVA_OPTS of the API server (Deployment env)". */
  summary: string;
  keys: readonly KnobKey[];
  /**
   * Reads the live objects, computes the exact writes and their diff, runs the preflights (against
   * the runtime itself, in a ready pod of the target) and the server-side dry run of every write. A
   * preflight that fails is a `fail` check in the plan, not a throw; a key it does not know or a value
   * its schema refuses throws a `usage` PerfError naming the keys it takes.
   */
  propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan>;
  /**
   * Runs `plan.live.apply` (or, restoring, `plan.live.restore`): idempotent, so that a retry after a
   * worker died mid-apply does no harm. Only knob sets whose plans have `live`.
   */
  live?(ctx: KnobContext, action: unknown, plan: ChangePlan): Promise<void>;
  /**
   * After the writes and the rollout: the new pods carry the setting, `SHOW` reads it, `CONFIG GET`
   * returns it. Called on an inverted plan too (a restore, a rollback), so it checks `plan`'s after side.
   */
  verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification>;
}

/** How the engine's `applyPlan` (`changes/engine.ts`) ended one change. */
export type EngineOutcome =
  /** Written, rolled out and verified (`resumed`: a retry found it already written and went on). */
  | { state: 'applied'; verification: Verification; resumed: boolean }
  /** Failed (rollout, verification) and the snapshot was put back; `evidence`: failing pods' events and log lines. */
  | { state: 'rolled_back'; reason: string; evidence: string[]; restore: Verification }
  /** Failed and could not be restored (or failed before any write for another reason than `moved`). */
  | { state: 'failed'; reason: string; evidence: string[] }
  /** Someone changed the objects since the card: nothing was written. */
  | { state: 'moved'; fields: string[] };

/** Options of one `applyPlan` run. */
export interface EngineOptions {
  changeId: string;
  /** How long one workload's rollout may take before it counts as failed. */
  rolloutDeadlineMs: number;
  /** How often the rollout's status is read. */
  pollMs: number;
  /** A line for the thread: "trino-worker: 1 of 2 pods updated". */
  progress(line: string): void | Promise<void>;
  signal?: AbortSignal;
}
