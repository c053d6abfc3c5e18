import { describe, expect, it } from 'vitest';
import { createFlatLineLogger } from '../../src/log/createFlatLineLogger.ts';
import { captureLogger } from '../support/captureLogger.ts';

describe('createFlatLineLogger', () => {
  it('redacts the same keys at the top level and keeps the rest of the line', () => {
    const { logger, records } = captureLogger();
    createFlatLineLogger(logger).info({
      msg: 'request',
      authorization: 'Bearer 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      token: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      headers: 'anything',
      status: 200,
    });
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'kindling',
        msg: 'request',
        authorization: '[redacted]',
        token: '[redacted]',
        headers: '[redacted]',
        status: 200,
      }),
    ]);
  });

  it('leaves the root logger redacting one level down', () => {
    const { logger, records } = captureLogger();
    createFlatLineLogger(logger);
    logger.info({ msg: 'nested', request: { authorization: 'Bearer x', token: 'y', method: 'GET' } });
    expect(records()[0]?.request).toEqual({
      authorization: '[redacted]',
      token: '[redacted]',
      method: 'GET',
    });
  });
});
