import { expect } from 'vitest';
import { KindlingError, type ErrorCode } from '../../src/errors/KindlingError.ts';

/** Runs fn and returns the KindlingError it throws; fails the test if it throws nothing or something else. */
export function catchKindlingError(fn: () => unknown): KindlingError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KindlingError) return error;
    throw error;
  }
  throw new Error('expected a KindlingError, but nothing was thrown');
}

/** Asserts fn throws the payload error of `rule` at `path`, with a message that starts with that path. */
export function expectPayloadError(
  fn: () => unknown,
  rule: string,
  path: string,
  code: ErrorCode = 'ERR_PAYLOAD_INVALID',
) {
  const error = catchKindlingError(fn);
  expect({ code: error.code, rule: error.rule, path: error.path }).toEqual({ code, rule, path });
  expect(error.message.startsWith(`${path === '' ? 'config' : path}: `)).toBe(true);
  return error;
}
