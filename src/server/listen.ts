import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from '../config/ServeConfig.ts';

/** Listens and resolves with the bound address (port 0 becomes the port the system chose). */
export function listen(server: Server, { host, port }: HostPort): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function urlOf(address: AddressInfo, { tls }: { tls: boolean }): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}
