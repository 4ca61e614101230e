import { z } from 'zod';

/**
 * Trino's client protocol, as served by `POST /v1/statement` and every `nextUri` after it.
 * Field names follow the Java client (`io.trino.client.QueryResults`, `StatementStats`,
 * `QueryError`, `Column`). Objects are loose: a newer server's extra fields pass through.
 *
 * @example QueryResultsSchema.parse(JSON.parse(body)).stats.elapsedTimeMillis
 */

/** `io.trino.client.StatementStats`: times in milliseconds, sizes in bytes. */
export const StatementStatsSchema = z.looseObject({
  /** QUEUED, PLANNING, STARTING, RUNNING, FINISHING, FINISHED, FAILED. */
  state: z.string(),
  queued: z.boolean(),
  scheduled: z.boolean(),
  nodes: z.number().int(),
  totalSplits: z.number().int(),
  queuedSplits: z.number().int().optional(),
  runningSplits: z.number().int().optional(),
  completedSplits: z.number().int(),
  cpuTimeMillis: z.number(),
  wallTimeMillis: z.number(),
  queuedTimeMillis: z.number(),
  elapsedTimeMillis: z.number(),
  processedRows: z.number(),
  processedBytes: z.number(),
  physicalInputBytes: z.number(),
  peakMemoryBytes: z.number(),
  spilledBytes: z.number(),
  progressPercentage: z.number().nullable().optional(),
  rootStage: z.unknown().optional(),
});
export type StatementStats = z.infer<typeof StatementStatsSchema>;

/** `io.trino.client.Column`: `type` is the SQL type as text (`bigint`, `varchar(25)`). */
export const ColumnSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  typeSignature: z.unknown().optional(),
});
export type Column = z.infer<typeof ColumnSchema>;

/** `io.trino.client.QueryError`: `errorName` is a `StandardErrorCode` name such as TABLE_NOT_FOUND. */
export const QueryErrorSchema = z.looseObject({
  message: z.string(),
  sqlState: z.string().nullable().optional(),
  errorCode: z.number().int(),
  errorName: z.string(),
  /** USER_ERROR, INTERNAL_ERROR, INSUFFICIENT_RESOURCES, EXTERNAL. */
  errorType: z.string(),
  errorLocation: z.looseObject({ lineNumber: z.number(), columnNumber: z.number() }).nullable().optional(),
  failureInfo: z.unknown().optional(),
});
export type QueryError = z.infer<typeof QueryErrorSchema>;

/** One page of `io.trino.client.QueryResults`; `nextUri` is absent once the query is done. */
export const QueryResultsSchema = z.looseObject({
  id: z.string().min(1),
  infoUri: z.string(),
  partialCancelUri: z.string().optional(),
  nextUri: z.string().optional(),
  columns: z.array(ColumnSchema).optional(),
  data: z.array(z.array(z.unknown())).optional(),
  stats: StatementStatsSchema,
  error: QueryErrorSchema.optional(),
  warnings: z.array(z.unknown()).optional(),
  updateType: z.string().optional(),
  updateCount: z.number().optional(),
});
export type QueryResults = z.infer<typeof QueryResultsSchema>;
