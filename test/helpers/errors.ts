import { expect } from 'vitest';
import { PerfError } from '../../src/errors.js';

/** Awaits a promise that must reject with a `PerfError`, and returns that error for more assertions. */
export async function rejection(promise: Promise<unknown>): Promise<PerfError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}
