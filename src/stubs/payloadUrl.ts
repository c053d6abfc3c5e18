import { KindlingError } from '../errors/KindlingError.ts';

/**
 * `<server>/<route>`: the URL a stub fetches. The server URL is the base (`https://host:8443`, or with a
 * path prefix behind a proxy); it must carry nothing the stub would leak or that the route would lose: no
 * credentials (Ignition logs every URL it fetches), no query, no fragment. Plain `http:` is allowed for
 * servers run with `--plain-http`.
 */
export function payloadUrl(server: string, route: 'ignition' | 'cloud-config' | 'advertise'): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw invalid('the server URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('the server URL must be https (or http)');
  if (url.username !== '' || url.password !== '') throw invalid('the server URL must not carry credentials');
  if (url.search !== '' || url.hash !== '') throw invalid('the server URL must have no query or fragment');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${route}`;
  return url.href;
}

function invalid(message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path: 'server' });
}
