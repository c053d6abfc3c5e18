import { createHash, X509Certificate } from 'node:crypto';
import { renderError } from './renderError.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * kubeadm's CA pin for one certificate: `sha256:` and the hex SHA-256 of the DER SubjectPublicKeyInfo, the
 * bytes exactly as the certificate holds them (Go's RawSubjectPublicKeyInfo), not a re-encoding of the key.
 */
export function caCertHash(certificate: string | X509Certificate): string {
  const parsed = typeof certificate === 'string' ? parseCertificate(certificate) : certificate;
  return `sha256:${createHash('sha256').update(rawSubjectPublicKeyInfo(parsed.raw)).digest('hex')}`;
}

/**
 * The pins of every certificate in a PEM bundle, in order, without repeats. kubeadm accepts a cluster whose
 * CA bundle holds any pinned certificate, so a bundle mid-rotation yields one pin per CA.
 */
export function caCertHashes(pem: string): string[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    throw renderError('cluster-info', 'certificate-authority-data', 'holds no PEM certificate');
  return [...new Set(blocks.map((block) => caCertHash(block)))];
}

function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw renderError('cluster-info', 'certificate-authority-data', 'is not a valid PEM certificate', error);
  }
}

interface Tlv {
  start: number;
  body: number;
  end: number;
  tag: number;
}

/** One DER element at `offset`: where it starts, where its contents start, where it ends. */
function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new RangeError('truncated DER');
  let length = first;
  let body = offset + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[body + i] ?? 0);
    body += count;
  }
  if (body + length > der.length) throw new RangeError('truncated DER');
  return { start: offset, body, end: body + length, tag };
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate, … }; TBSCertificate ::= SEQUENCE { [0] version OPTIONAL,
 * serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … } (RFC 5280 §4.1).
 */
function rawSubjectPublicKeyInfo(der: Buffer): Buffer {
  const tbs = readTlv(der, readTlv(der, 0).body);
  let element = readTlv(der, tbs.body);
  if (element.tag === 0xa0) element = readTlv(der, element.end);
  for (let skipped = 0; skipped < 5; skipped++) element = readTlv(der, element.end);
  return der.subarray(element.start, element.end);
}
