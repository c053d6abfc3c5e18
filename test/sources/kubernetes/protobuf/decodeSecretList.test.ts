import { describe, expect, it } from 'vitest';
import { decodeSecretList } from '../../../../src/sources/kubernetes/protobuf/decodeSecretList.ts';
import { decodeStatus } from '../../../../src/sources/kubernetes/protobuf/decodeStatus.ts';
import { ProtoError } from '../../../../src/sources/kubernetes/protobuf/ProtoReader.ts';
import { readSecretData } from '../../../../src/tokens/readSecretData.ts';
import { encode, entry, envelope, type Field } from '../../../support/protobufWriter.ts';

const binary = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x1f, 0x8b]);

const secret = (name: string, extra: Field[] = []): Field => ({
  n: 2,
  bytes: [
    {
      n: 1,
      bytes: [
        { n: 1, bytes: name },
        { n: 3, bytes: 'kindling' },
        { n: 5, bytes: `uid-${name}` },
        { n: 6, bytes: '42' },
        // generation (varint), creationTimestamp (message), managedFields (17): read past, not kept.
        { n: 7, varint: 3 },
        { n: 8, bytes: [{ n: 1, varint: 1_700_000_000 }] },
        { n: 17, bytes: [{ n: 1, bytes: 'kubectl' }] },
        entry(11, 'kindling.dev/token-secret', 'true'),
        entry(11, 'kindling.dev/pool', 'workers'),
        entry(12, 'kindling.dev/expires-at', '2027-01-01T00:00:00Z'),
        entry(12, 'empty', ''),
      ],
    },
    entry(2, 'token', '6f1c7c1e-8a0e-4c55-9d8a-0b7a7f3f2a11'),
    entry(2, 'payload', binary),
    entry(2, 'nothing', new Uint8Array(0)),
    { n: 3, bytes: 'kindling.dev/token' },
    ...extra,
  ],
});

const list = (items: Field[], meta: Field[] = [{ n: 2, bytes: '1234' }]) =>
  envelope('SecretList', [{ n: 1, bytes: meta }, ...items]);

describe('decodeSecretList', () => {
  it('reads each Secret as the store reads a JSON one, with its values as bytes', () => {
    const page = decodeSecretList(list([secret('a'), secret('b')]));
    expect(page.resourceVersion).toBe('1234');
    expect(page.continue).toBeUndefined();
    expect(page.items.map((s) => s.metadata.name)).toEqual(['a', 'b']);
    const [a] = page.items;
    expect(a).toEqual({
      type: 'kindling.dev/token',
      metadata: {
        name: 'a',
        namespace: 'kindling',
        uid: 'uid-a',
        resourceVersion: '42',
        labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': 'workers' },
        annotations: { 'kindling.dev/expires-at': '2027-01-01T00:00:00Z', empty: '' },
      },
      dataBytes: {
        token: new TextEncoder().encode('6f1c7c1e-8a0e-4c55-9d8a-0b7a7f3f2a11'),
        payload: binary,
        nothing: new Uint8Array(0),
      },
    });
    // readSecretData hands the bytes over as they came: binary stays binary.
    expect(a && [...(readSecretData(a, 'payload') ?? [])]).toEqual([...binary]);
    expect(a && readSecretData(a, 'token')?.toString()).toBe('6f1c7c1e-8a0e-4c55-9d8a-0b7a7f3f2a11');
  });

  it('copies the values out of the page, so a kept Secret does not hold the page', () => {
    const bytes = list([secret('a')]);
    const value = decodeSecretList(bytes).items[0]?.dataBytes?.payload;
    expect(value?.buffer).not.toBe(bytes.buffer);
    expect(value?.byteLength).toBe(binary.length);
    expect(value?.buffer.byteLength).toBe(binary.length);
  });

  it('gives the continue token of a page that is not the last, and drops an item without a name', () => {
    const nameless: Field = { n: 2, bytes: [{ n: 3, bytes: 'kindling.dev/token' }] };
    const page = decodeSecretList(
      list(
        [secret('a'), nameless],
        [
          { n: 2, bytes: '99' },
          { n: 3, bytes: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ' },
          { n: 4, varint: 7 },
        ],
      ),
    );
    expect(page.continue).toBe('eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ');
    expect(page.items.map((s) => s.metadata.name)).toEqual(['a']);
  });

  it('an empty list is a page with no item', () => {
    expect(decodeSecretList(list([]))).toEqual({ items: [], resourceVersion: '1234', continue: undefined });
  });

  it.each([
    ['no "k8s\\0" prefix', () => encode([{ n: 1, bytes: 'x' }]), /prefix/],
    [
      'another kind',
      () => envelope('ConfigMapList', []),
      /a ConfigMapList object where SecretList was expected/,
    ],
    [
      'an encoding inside the envelope',
      () => envelope('SecretList', [], [{ n: 3, bytes: 'gzip' }]),
      /content encoding "gzip"/,
    ],
    ['a truncated page', () => list([secret('a')]).subarray(0, 60), /runs past the end/],
    [
      'a varint that never ends',
      () => envelope('SecretList', [{ n: 1, raw: [0x0a, ...Array(11).fill(0xff)] }]),
      /varint/,
    ],
    ['a group (wire type 3)', () => envelope('SecretList', [{ n: 1, raw: [0x0b] }]), /wire type 3/],
    ['field number 0', () => envelope('SecretList', [{ n: 1, raw: [0x02, 0x00] }]), /field number 0/],
    [
      'a name that is not UTF-8',
      () => list([{ n: 2, bytes: [{ n: 1, bytes: [{ n: 1, bytes: Uint8Array.from([0xc3, 0x28]) }] }] }]),
      /not UTF-8/,
    ],
  ])('refuses %s with a ProtoError that says why', (_name, make, message) => {
    let error: unknown;
    try {
      decodeSecretList(make());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtoError);
    expect((error as Error).message).toMatch(message);
  });

  it('skips fields of every wire type it does not read', () => {
    const page = decodeSecretList(
      list([
        secret('a', [
          { n: 9, varint: 300 },
          { n: 10, fixed32: true },
          { n: 11, raw: [0x59, 1, 2, 3, 4, 5, 6, 7, 8] },
        ]),
      ]),
    );
    expect(page.items.map((s) => s.metadata.name)).toEqual(['a']);
  });
});

describe('decodeStatus', () => {
  it('reads the API server refusal as the fields of its JSON form', () => {
    const bytes = envelope('Status', [
      { n: 1, bytes: [] },
      { n: 2, bytes: 'Failure' },
      { n: 3, bytes: 'secrets is forbidden: User "nobody" cannot list resource "secrets"' },
      { n: 4, bytes: 'Forbidden' },
      { n: 5, bytes: [{ n: 2, bytes: 'secrets' }] },
      { n: 6, varint: 403 },
    ]);
    expect(decodeStatus(bytes)).toEqual({
      status: 'Failure',
      message: 'secrets is forbidden: User "nobody" cannot list resource "secrets"',
      reason: 'Forbidden',
      code: 403,
    });
  });
});
