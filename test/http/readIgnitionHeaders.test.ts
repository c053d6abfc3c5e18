import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readIgnitionHeaders } from '../../src/http/ignition/readIgnitionHeaders.ts';

// node:http's own way of adding a raw header to `req.headers` (not in its typings): the behaviour to match.
type AddHeaderLine = (field: string, value: string, dest: Record<string, unknown>) => void;

function nodeHeaders(rawHeaders: string[]) {
  const message = new IncomingMessage(new Socket());
  const add = (message as unknown as { _addHeaderLine: AddHeaderLine })._addHeaderLine.bind(message);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    add(rawHeaders[i] as string, rawHeaders[i + 1] as string, message.headers);
  }
  const h = message.headers;
  return {
    authorization: h.authorization,
    accept: h.accept,
    acceptEncoding: h['accept-encoding'],
    ifNoneMatch: h['if-none-match'],
    userAgent: h['user-agent'],
  };
}

describe('readIgnitionHeaders', () => {
  it.each([
    [
      'what Ignition sends',
      [
        'Host',
        'x',
        'User-Agent',
        'Ignition/2.20.0',
        'Accept',
        'application/vnd.coreos.ignition+json;version=3.5.0, */*;q=0.1',
        'Accept-Encoding',
        'gzip',
        'Authorization',
        'Bearer t',
      ],
    ],
    [
      'lower case (HTTP/2 style, curl --header)',
      [
        'authorization',
        'Bearer t',
        'accept-encoding',
        'identity',
        'if-none-match',
        '"abc"',
        'user-agent',
        'curl/8',
      ],
    ],
    [
      'odd casing',
      [
        'AUTHORIZATION',
        'Bearer t',
        'ACCEPT',
        'a/b',
        'Accept-encoding',
        'gzip',
        'IF-NONE-MATCH',
        '"x"',
        'USER-AGENT',
        'u',
      ],
    ],
    [
      'repeated: the first Authorization and User-Agent, the others joined',
      [
        'Authorization',
        'Bearer first',
        'authorization',
        'Bearer second',
        'Accept',
        'a/b',
        'accept',
        'c/d',
        'Accept-Encoding',
        'br',
        'Accept-Encoding',
        'gzip',
        'If-None-Match',
        '"a"',
        'If-None-Match',
        '"b"',
        'User-Agent',
        'one',
        'User-Agent',
        'two',
      ],
    ],
    [
      'none of them',
      ['Host', 'x', 'Content-Length', '0', 'X-Authorization', 'Bearer t', 'Authorizatio', 'n'],
    ],
    ['empty values', ['Authorization', '', 'Accept', '']],
  ])('%s: as node:http reads them', (_name, raw) => {
    expect(readIgnitionHeaders(raw)).toEqual(nodeHeaders(raw));
  });

  it('ignores a dangling name without a value', () => {
    expect(readIgnitionHeaders(['Authorization'])).toEqual({
      authorization: undefined,
      accept: undefined,
      acceptEncoding: undefined,
      ifNoneMatch: undefined,
      userAgent: undefined,
    });
  });
});
