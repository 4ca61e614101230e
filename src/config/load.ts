import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PerfError } from '../errors.js';
import { type Env, EnvSchema } from './env.js';
import { type PlatformConfig, PlatformConfigSchema } from './platform.js';

export interface Config {
  env: Env;
  platform: PlatformConfig;
  /** Where perfbot.yaml was read from, or undefined when only defaults apply. */
  configPath: string | undefined;
}

export interface LoadConfigOptions {
  /** Reads perfbot.yaml; injectable so tests need no files. */
  readFile?: (path: string) => string;
}

/**
 * Reads and validates the environment and perfbot.yaml before any socket opens. On a bad value it
 * throws a `config` PerfError whose message lists every issue with its path and what is allowed.
 *
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(
  rawEnv: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  const env = EnvSchema.safeParse(blankToUndefined(rawEnv));
  if (!env.success) throw configError('environment', env.error);
  const configPath = env.data.PERFBOT_CONFIG;
  const platform = PlatformConfigSchema.safeParse(readPlatformFile(configPath, options.readFile));
  if (!platform.success) throw configError(configPath ?? 'perfbot.yaml', platform.error);
  return { env: env.data, platform: platform.data, configPath };
}

/** Parses a perfbot.yaml text; used by `loadConfig` and by tools that validate a file. */
export function parsePlatformConfig(text: string, source = 'perfbot.yaml'): PlatformConfig {
  const parsed = PlatformConfigSchema.safeParse(parseYamlText(text, source) ?? {});
  if (!parsed.success) throw configError(source, parsed.error);
  return parsed.data;
}

function readPlatformFile(
  path: string | undefined,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): unknown {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new PerfError('config', `cannot read PERFBOT_CONFIG=${path}: ${String(error)}`, { cause: error });
  }
  return parseYamlText(text, path) ?? {};
}

function parseYamlText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new PerfError('config', `${source} is not valid YAML: ${String(error)}`, { cause: error });
  }
}

function configError(source: string, error: z.ZodError): PerfError {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const message = `invalid configuration in ${source}:\n${lines.join('\n')}`;
  return new PerfError('config', message, { userMessage: message });
}

/** Kubernetes and shells often pass empty strings for unset variables: treat them as unset. */
function blankToUndefined(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
}
