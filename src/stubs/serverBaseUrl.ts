import { payloadUrl } from './payloadUrl.ts';

/**
 * The server's base URL in its normal form (lower-case host, default port dropped, no trailing slash), so
 * that `https://Kindling.example:443/` and `https://kindling.example` are one URL: what stubs fetch from,
 * and the audience per-machine tokens name. Throws ERR_CONFIG_INVALID where payloadUrl does.
 */
export function serverBaseUrl(server: string): string {
  return payloadUrl(server, 'ignition').slice(0, -'/ignition'.length);
}
