import { describe, expect, it } from 'vitest';
import { createErrorAnswers } from '../../src/http/errors/createErrorAnswers.ts';
import { withHeaderList, type HttpAnswer } from '../../src/http/HttpAnswer.ts';
import { prepareBody } from '../../src/store/prepareBody.ts';

// The fast path writes `headerList`, the Hono app `headers`: both must say the same, header for header.
const flat = (answer: HttpAnswer) => Object.entries(answer.headers).flat();

describe('header lists made with the answer', () => {
  it('withHeaderList lists every header in order, leaving the answer as it was', () => {
    const answer = { status: 200, headers: { A: '1', 'Content-Length': '3' }, body: Buffer.from('abc') };
    const listed = withHeaderList(answer);
    expect(listed.headerList).toEqual(['A', '1', 'Content-Length', '3']);
    expect(listed).toMatchObject(answer);
    expect(answer).not.toHaveProperty('headerList');
  });

  it('every prepared payload answer (200 and 304, identity and gzip) carries the list of its headers', () => {
    const body = prepareBody(Buffer.from('{"ignition":{"version":"3.4.0"}}'), {
      format: 'ignition',
      version: '3.4.0',
    });
    for (const representation of [body.identity, body.gzip]) {
      for (const answer of [representation.ok, representation.notModified]) {
        expect(answer.headerList).toEqual(flat(answer));
        expect(answer.headerList).toContain('ETag');
      }
    }
    expect(body.gzip.ok.headerList).toContain('Content-Encoding');
  });

  it('every error answer carries the list of its headers, Retry-After and WWW-Authenticate included', () => {
    const errors = createErrorAnswers({ retryAfterSeconds: 7 });
    for (const code of [
      'ERR_UNAUTHORIZED',
      'ERR_TOKEN_UNKNOWN',
      'ERR_NOT_READY',
      'ERR_TOKEN_REVOKED',
    ] as const) {
      const answer = errors.answer(code);
      expect(answer.headerList, code).toEqual(flat(answer));
    }
    expect(errors.answer('ERR_UNAUTHORIZED').headerList).toContain('WWW-Authenticate');
    expect(errors.answer('ERR_NOT_READY').headerList).toEqual(expect.arrayContaining(['Retry-After', '7']));
  });
});
