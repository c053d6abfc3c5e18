import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/http/accessLog/createRequestRecorder.ts';
import { createErrorAnswers } from '../../src/http/errors/createErrorAnswers.ts';
import { createIgnitionListener } from '../../src/http/ignition/createIgnitionListener.ts';
import type { IgnitionOutcome, IgnitionResponder } from '../../src/http/ignition/createIgnitionResponder.ts';

const errors = createErrorAnswers({ retryAfterSeconds: 5 });

/** The slice of req/res the listener touches: no socket needed to see what it writes. */
function exchange() {
  const req = {
    method: 'GET',
    url: '/ignition',
    rawHeaders: ['Authorization', 'Bearer a.b.c'],
    socket: { remoteAddress: '192.0.2.7' },
  } as unknown as IncomingMessage;
  let settle = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const written: { status?: number; body?: unknown } = {};
  const res = {
    headersSent: false,
    writeHead: (status: number) => void (written.status = status),
    end: (body: unknown) => {
      written.body = body;
      settle();
    },
    destroy: () => settle(),
  } as unknown as ServerResponse;
  return { req, res, written, done };
}

function listenerWith(answerIgnition: IgnitionResponder) {
  const records: RequestRecord[] = [];
  const failures: unknown[] = [];
  const listener = createIgnitionListener({
    answerIgnition,
    record: (record) => records.push(record),
    fallback: () => {
      throw new Error('not for this route');
    },
    errors,
    onError: (error) => failures.push(error),
  });
  return { listener, records, failures };
}

describe('createIgnitionListener: answers that come as promises', () => {
  it('writes the answer when it settles, with the machine in the record', async () => {
    const outcome: IgnitionOutcome = {
      answer: errors.answer('ERR_TOKEN_REVOKED'),
      pool: 'workers',
      tokenFingerprint: 'abcd1234',
      machine: 'worker-7',
    };
    const { listener, records } = listenerWith(() => Promise.resolve(outcome));
    const { req, res, written, done } = exchange();
    listener(req, res);
    await done;
    expect(written.status).toBe(403);
    expect(records).toEqual([expect.objectContaining({ status: 403, pool: 'workers', machine: 'worker-7' })]);
  });

  it('a rejection becomes a 500 (Ignition retries) and is reported, never left unhandled', async () => {
    const boom = new Error('boom');
    const { listener, records, failures } = listenerWith(() => Promise.reject(boom));
    const { req, res, written, done } = exchange();
    listener(req, res);
    await done;
    expect(written.status).toBe(500);
    expect(JSON.parse(String(written.body))).toMatchObject({ error: 'ERR_INTERNAL' });
    expect(failures).toEqual([boom]);
    expect(records).toEqual([expect.objectContaining({ status: 500, errorCode: 'ERR_INTERNAL' })]);
  });
});

describe('createIgnitionListener: the peer address', () => {
  const unauthorized: IgnitionOutcome = {
    answer: errors.answer('ERR_UNAUTHORIZED'),
    pool: undefined,
    tokenFingerprint: undefined,
    machine: undefined,
  };

  /** A socket whose address reads are counted, as node's getter asks the kernel (or its cache) each time. */
  function countingSocket(address: () => string | undefined) {
    const socket = {
      reads: 0,
      get remoteAddress() {
        socket.reads++;
        return address();
      },
    };
    return socket;
  }

  function requestOn(socket: object) {
    const { req, res, done } = exchange();
    (req as { socket: unknown }).socket = socket;
    return { req, res, done };
  }

  it('is read from a connection once, however many requests it carries, and each connection has its own', async () => {
    const seen: string[] = [];
    const { listener, records } = listenerWith((request) => {
      seen.push(request.remoteAddress);
      return unauthorized;
    });
    const first = countingSocket(() => '192.0.2.7');
    const second = countingSocket(() => '198.51.100.3');
    for (const socket of [first, first, second, first, second]) {
      const { req, res, done } = requestOn(socket);
      listener(req, res);
      await done;
    }
    expect(seen).toEqual(['192.0.2.7', '192.0.2.7', '198.51.100.3', '192.0.2.7', '198.51.100.3']);
    expect(records.map((r) => r.remoteAddress)).toEqual(seen);
    expect([first.reads, second.reads]).toEqual([1, 1]);
  });

  it('a socket without an address (already closed) is "unknown", and asked again next time', async () => {
    let address: string | undefined;
    const { listener, records } = listenerWith(() => unauthorized);
    const socket = countingSocket(() => address);
    for (const next of [undefined, '203.0.113.9', undefined]) {
      address = next;
      const { req, res, done } = requestOn(socket);
      listener(req, res);
      await done;
    }
    expect(records.map((r) => r.remoteAddress)).toEqual(['unknown', '203.0.113.9', '203.0.113.9']);
    expect(socket.reads).toBe(2);
  });
});
