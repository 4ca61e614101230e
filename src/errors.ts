/**
 * perfbot's one error type. I/O code throws a `PerfError`; boundaries (Bolt's `app.error`, the
 * worker's `failed` handler, the CLI) normalise anything with `asPerfError` and show `userMessage`.
 * Branch on `code`, never on message text.
 */
export const ErrorCode = {
  usage: 'usage',
  notAuthorized: 'not_authorized',
  probeFailed: 'probe_failed',
  timeout: 'timeout',
  kubeApi: 'kube_api',
  slackApi: 'slack_api',
  config: 'config',
  conflict: 'conflict',
  notAvailable: 'not_available',
  cancelled: 'cancelled',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface PerfErrorOptions {
  /** What happened and what to do next, shown to the user as it is. */
  userMessage?: string;
  /** True for transient failures (network, 5xx, timeouts) that a retry may cure. */
  retryable?: boolean;
  cause?: unknown;
  /** Where it happened: service, step, pod, the tool's last lines of output. */
  context?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** @example throw new PerfError('probe_failed', 'kafka-producer-perf-test.sh exited 1', { context: { service: 'kafka' } }) */
export class PerfError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, string | number | boolean | undefined>>;

  constructor(code: ErrorCode, message: string, options: PerfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PerfError';
    this.code = code;
    this.userMessage = options.userMessage ?? message;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }

  /** A plain object that survives JSON (BullMQ stores a failed job's reason as text). */
  toJSON(): SerializedPerfError {
    return {
      code: this.code,
      message: this.message,
      userMessage: this.userMessage,
      retryable: this.retryable,
      context: Object.fromEntries(Object.entries(this.context).filter(([, v]) => v !== undefined)) as Record<
        string,
        string | number | boolean
      >,
    };
  }
}

export interface SerializedPerfError {
  code: ErrorCode;
  message: string;
  userMessage: string;
  retryable: boolean;
  context: Record<string, string | number | boolean>;
}

const codes = new Set<string>(Object.values(ErrorCode));

/** Normalises anything thrown into a `PerfError`; unknown errors become `internal`. */
export function asPerfError(error: unknown): PerfError {
  if (error instanceof PerfError) return error;
  if (isSerializedPerfError(error)) {
    return new PerfError(error.code, error.message, {
      userMessage: error.userMessage,
      retryable: error.retryable,
      context: error.context,
    });
  }
  if (isRedisOutage(error)) return redisOutageError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new PerfError('internal', message, {
    userMessage: `perfbot hit an unexpected error: ${message}`,
    cause: error,
  });
}

function isSerializedPerfError(value: unknown): value is SerializedPerfError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && codes.has(v.code) && typeof v.userMessage === 'string';
}

/** Result of pure code that can fail in the user's hands (grammar, parsers, config). */
export type Result<T, E = PerfError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** The abort reason a worker gives its jobs when it shuts down: they go back to the queue, not cancelled. */
export const SHUTDOWN_REASON = 'perfbot:shutdown';

/**
 * The error for work stopped by an AbortSignal: `cancelled` (final) when a user cancelled, a
 * retryable one when the worker is shutting down, so that another worker takes the job over.
 */
export function abortedError(signal: AbortSignal, what: string): PerfError {
  if (signal.reason === SHUTDOWN_REASON) {
    return new PerfError('internal', `${what}: interrupted by the worker's shutdown`, {
      userMessage: 'The worker running this was shut down; another worker takes it over.',
      retryable: true,
    });
  }
  return new PerfError('cancelled', `${what}: cancelled`, { userMessage: `Cancelled while ${what}.` });
}

/** Stops work between steps once its signal is aborted (cancel or shutdown, see `abortedError`). */
export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw abortedError(signal, what);
}

/** ioredis's own error names for "Redis is not there" (see ioredis/built/errors, redis-errors). */
const OUTAGE_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const OUTAGE_MESSAGES = /Connection is closed|Stream isn't writeable|enableOfflineQueue options is false/;

/** True for what ioredis throws when Redis cannot be reached (not for a Redis reply error). */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    OUTAGE_NAMES.has(error.name) ||
    (typeof code === 'string' && OUTAGE_CODES.has(code)) ||
    OUTAGE_MESSAGES.test(error.message)
  );
}

/** What a user is told when a command cannot reach Redis (where jobs, results and locks live). */
export function redisOutageError(error: unknown): PerfError {
  return new PerfError(
    'not_available',
    `Redis unreachable: ${error instanceof Error ? error.message : String(error)}`,
    {
      userMessage:
        'perfbot cannot reach its Redis right now (where jobs, results and locks live), so nothing was started. ' +
        'Try again in a minute; if it lasts, tell whoever runs perfbot.',
      retryable: true,
      cause: error,
    },
  );
}
