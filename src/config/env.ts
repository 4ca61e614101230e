import { z } from 'zod';

/**
 * The environment perfbot reads. This module is the only reader of `process.env`: everything else
 * receives the parsed `Env` through `loadConfig`. Secrets (tokens, passwords) live here or in
 * Kubernetes Secrets, never in perfbot.yaml, and are never logged.
 *
 * @example parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379', PORT: '3000' })
 */
export const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith('xox', 'a bot token starts with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'an app-level token starts with xapp-').optional(),
  /** Base URL of the Slack Web API (GovSlack, a proxy, or a local stand-in in tests). */
  SLACK_API_URL: z.url().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Key prefix, so that several instances or test runs share one Redis. */
  PERFBOT_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]+$/, 'letters, digits and : _ . -')
    .default('perfbot'),
  KUBECONFIG: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PERFBOT_CONFIG: z.string().min(1).optional(),
  /** Where the CLI keeps results when no Redis answers. */
  PERFBOT_HOME: z.string().min(1).optional(),
  /** Connection string for the PostgreSQL probe's direct mode (else built from perfbot.yaml + Secret). */
  PERFBOT_POSTGRES_URL: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Set by Kubernetes inside a pod: in-cluster credentials are used when KUBECONFIG is unset. */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;
