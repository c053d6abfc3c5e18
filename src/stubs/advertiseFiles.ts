import { authorizationValue } from './authorizationValue.ts';
import { normalizeCaPem } from './normalizeCaPem.ts';
import { payloadUrl } from './payloadUrl.ts';

/**
 * Where a stub leaves what the payload's advertise unit (kindling-advertise.service) needs to call
 * `POST /advertise` at every boot: the payload is the same for a whole pool and does not know the server's
 * address nor the machine's token, the stub does. Unlike the fetch's own copies on /run, these persist: the
 * unit runs at every boot. The header file is root-only and curl reads it with `-H @file`, so the token is
 * in no command line.
 */
export const ADVERTISE_PATHS = {
  url: '/etc/kindling/advertise-url',
  header: '/etc/kindling/authorization',
  ca: '/etc/kindling/ca.pem',
} as const;

export interface AdvertiseFile {
  path: string;
  mode: number;
  contents: string;
}

export function advertiseFiles({
  server,
  token,
  caPem,
}: {
  server: string;
  token: string;
  caPem?: string | undefined;
}): AdvertiseFile[] {
  const files: AdvertiseFile[] = [
    { path: ADVERTISE_PATHS.url, mode: 0o644, contents: `${payloadUrl(server, 'advertise')}\n` },
    { path: ADVERTISE_PATHS.header, mode: 0o600, contents: `Authorization: ${authorizationValue(token)}\n` },
  ];
  if (caPem !== undefined)
    files.push({ path: ADVERTISE_PATHS.ca, mode: 0o644, contents: normalizeCaPem(caPem) });
  return files;
}
