/**
 * Trino's `QueryError` as the coordinator serialises it. Codes and types are those of
 * `io.trino.spi.StandardErrorCode` (user errors from 0, internal from 65536, insufficient
 * resources from 131072).
 */
export interface SimQueryError {
  message: string;
  errorCode: number;
  errorName: string;
  errorType: string;
  errorLocation?: { lineNumber: number; columnNumber: number };
  failureInfo: {
    type: string;
    message: string;
    suppressed: unknown[];
    stack: string[];
    errorLocation?: { lineNumber: number; columnNumber: number };
  };
}

const CODES: Readonly<Record<string, readonly [number, string]>> = {
  GENERIC_USER_ERROR: [0, 'USER_ERROR'],
  SYNTAX_ERROR: [1, 'USER_ERROR'],
  USER_CANCELED: [3, 'USER_ERROR'],
  PERMISSION_DENIED: [4, 'USER_ERROR'],
  NOT_SUPPORTED: [13, 'USER_ERROR'],
  CATALOG_NOT_FOUND: [44, 'USER_ERROR'],
  SCHEMA_NOT_FOUND: [45, 'USER_ERROR'],
  TABLE_NOT_FOUND: [46, 'USER_ERROR'],
  SCHEMA_ALREADY_EXISTS: [49, 'USER_ERROR'],
  TABLE_ALREADY_EXISTS: [50, 'USER_ERROR'],
  MISSING_CATALOG_NAME: [56, 'USER_ERROR'],
  MISSING_SCHEMA_NAME: [57, 'USER_ERROR'],
  GENERIC_INTERNAL_ERROR: [65536, 'INTERNAL_ERROR'],
  NO_NODES_AVAILABLE: [65541, 'INTERNAL_ERROR'],
  REMOTE_TASK_ERROR: [65542, 'INTERNAL_ERROR'],
  SERVER_STARTING_UP: [65548, 'INTERNAL_ERROR'],
  REMOTE_HOST_GONE: [65558, 'INTERNAL_ERROR'],
  EXCEEDED_GLOBAL_MEMORY_LIMIT: [131073, 'INSUFFICIENT_RESOURCES'],
  QUERY_QUEUE_FULL: [131074, 'INSUFFICIENT_RESOURCES'],
  EXCEEDED_TIME_LIMIT: [131075, 'INSUFFICIENT_RESOURCES'],
  CLUSTER_OUT_OF_MEMORY: [131076, 'INSUFFICIENT_RESOURCES'],
  EXCEEDED_LOCAL_MEMORY_LIMIT: [131079, 'INSUFFICIENT_RESOURCES'],
};

/** The message the `trino.error` fault uses when its spec names no message. */
export const DEFAULT_FAULT_MESSAGES: Readonly<Record<string, string>> = {
  EXCEEDED_TIME_LIMIT: 'Query exceeded the maximum execution time limit of 5.00m',
  REMOTE_TASK_ERROR: 'Expected response from http://10.42.1.17:8080/v1/task/… but the request failed',
  REMOTE_HOST_GONE:
    'Could not communicate with the remote task. The node may have crashed or be under too much load.',
  CLUSTER_OUT_OF_MEMORY:
    'Query killed because the cluster is out of memory. Please try again in a few minutes.',
  GENERIC_INTERNAL_ERROR: 'Simulated internal error',
};

/** Builds the error object; `line L:C:` in the message becomes its `errorLocation`, as in Trino. */
export function simError(errorName: string, message: string, errorType?: string): SimQueryError {
  const [code, type] = CODES[errorName] ?? [65536, 'INTERNAL_ERROR'];
  const loc = /^line (\d+):(\d+): /.exec(message);
  const errorLocation =
    loc === null ? undefined : { lineNumber: Number(loc[1]), columnNumber: Number(loc[2]) };
  const exception =
    errorName === 'SYNTAX_ERROR' ? 'io.trino.sql.parser.ParsingException' : 'io.trino.spi.TrinoException';
  return {
    message,
    errorCode: code,
    errorName,
    errorType: errorType ?? type,
    ...(errorLocation === undefined ? {} : { errorLocation }),
    failureInfo: {
      type: exception,
      message,
      suppressed: [],
      stack: ['io.trino.sandbox.SimulatedCoordinator.execute(SimulatedCoordinator.java:1)'],
      ...(errorLocation === undefined ? {} : { errorLocation }),
    },
  };
}

const MB = 1024 ** 2;

/** airlift's DataSize.succinct rendering: `512MB`, `1.50GB`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2);
  return `${text}${units[unit]}`;
}

/** The per-node limit error as Trino words it, with the operator that took the memory. */
export function localMemoryError(limit: number, operator: string): SimQueryError {
  const allocated = limit - 0.13 * MB;
  return simError(
    'EXCEEDED_LOCAL_MEMORY_LIMIT',
    `Query exceeded per-node memory limit of ${formatSize(limit)} [Allocated: ${formatSize(allocated)}, ` +
      `Delta: 2.00MB, Top Consumers: {${operator}=${formatSize(allocated * 0.93)}, ` +
      `ExchangeOperator=${formatSize(allocated * 0.05)}}]`,
  );
}
