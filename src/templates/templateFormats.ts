import { isIP } from 'node:net';
import { z } from 'zod';
import { cleanPath } from '../payload/cleanPath.ts';

/*
 * The string formats of a node template. Messages say what is expected and never repeat the value: some of
 * these fields hold secrets, and the others end up in logs.
 */

export const BOOTSTRAP_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const CA_CERT_HASH = /^sha256:[0-9a-f]{64}$/;
export const CERTIFICATE_KEY = /^[0-9a-f]{64}$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const HOST_PORT = /^(\[[^\]]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;

export const bootstrapTokenValue = z
  .string()
  .regex(BOOTSTRAP_TOKEN, 'must be a bootstrap token: 6 characters [a-z0-9], a dot, 16 characters [a-z0-9]');

export const caCertHashValue = z
  .string()
  .regex(
    CA_CERT_HASH,
    'must be "sha256:" and 64 lower-case hex digits (kubeadm --discovery-token-ca-cert-hash)',
  );

export const certificateKeyValue = z
  .string()
  .regex(
    CERTIFICATE_KEY,
    'must be 64 lower-case hex digits (kubeadm init phase upload-certs --upload-certs)',
  );

/** A host name as Linux and Kubernetes both take it: a lower-case DNS subdomain of at most 63 characters. */
export function isHostname(name: string): boolean {
  return name.length <= 63 && DNS_SUBDOMAIN.test(name);
}

export const hostname = z
  .string()
  .refine(isHostname, 'must be a lower-case DNS name of at most 63 characters ([a-z0-9.-])');

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS_LABEL, 'must be a lower-case DNS label ([a-z0-9-])');

export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(DNS_SUBDOMAIN, 'must be a lower-case DNS name ([a-z0-9.-])');

/** `host:port`, as kubeadm's discovery.bootstrapToken.apiServerEndpoint takes it: no scheme, explicit port. */
export function isHostPort(value: string): boolean {
  const match = HOST_PORT.exec(value);
  if (match === null) return false;
  const [, host = '', port = ''] = match;
  if (host.startsWith('[') && isIP(host.slice(1, -1)) !== 6) return false;
  return Number(port) >= 1 && Number(port) <= 65535;
}

export const hostPort = z
  .string()
  .refine(isHostPort, 'must be host:port (a DNS name, an IPv4 address or [IPv6]; no scheme)');

export const absolutePath = z
  .string()
  .refine(
    (path) => path.startsWith('/') && cleanPath(path) === path && !path.includes('\n'),
    'must be an absolute, normalised path (no trailing slash, no "." or ".." segments)',
  );

export const httpUrl = z.string().refine((text) => {
  try {
    const { protocol } = new URL(text);
    return (protocol === 'https:' || protocol === 'http:') && text === text.trim();
  } catch {
    return false;
  }
}, 'must be an http or https URL');

/** Ignition's own verification format, so the value goes into the config as it is. */
export const downloadHash = z
  .string()
  .regex(
    /^(?:sha256-[0-9a-f]{64}|sha512-[0-9a-f]{128})$/,
    'must be "sha256-" and 64, or "sha512-" and 128, lower-case hex digits',
  );

/** YAML writes numbers and booleans bare; the places that end up as text take them as their text. */
export const scalarText = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'must be a string, a number or a boolean',
  })
  .transform(String);

export const singleLine = z.string().regex(/^[^\n\r]*$/, 'must be a single line');
