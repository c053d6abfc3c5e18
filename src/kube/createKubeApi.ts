import type { KubeConfig } from '@kubernetes/client-node';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeApi, KubeRequest, KubeResponse } from './KubeApi.ts';

export interface KubeApiOptions {
  kubeConfig: KubeConfig;
  /** Per request; a drain makes many short calls, and none may hang the command past its --timeout. */
  timeoutMs?: number;
}

/**
 * KubeApi over node:http(s) with client-node's credentials (`applyToHTTPSOptions`: CA, client certificate,
 * token, token file, exec plugin). Raw requests rather than client-node's generated clients: eviction must be
 * posted as policy/v1 or policy/v1beta1 depending on the server, and client-node 2 only knows policy/v1.
 */
export function createKubeApi({ kubeConfig, timeoutMs = 30_000 }: KubeApiOptions): KubeApi {
  return {
    async request({ method, path, query, body, contentType = 'application/json' }: KubeRequest) {
      const server = kubeConfig.getCurrentCluster()?.server;
      if (!server) throw new Error('the kubeconfig has no current cluster');
      const url = new URL(`${server.replace(/\/$/, '')}${path}`);
      for (const [name, value] of Object.entries(query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, value);
      }
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const options: RequestOptions = {
        method,
        headers: {
          Accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'Content-Type': contentType, 'Content-Length': String(payload.length) }),
        },
      };
      await kubeConfig.applyToHTTPSOptions(options);
      const plain = url.protocol === 'http:';
      // client-node makes an https agent; a plain-HTTP server (kubectl proxy) needs the default one.
      if (plain) delete options.agent;
      return new Promise<KubeResponse>((resolve, reject) => {
        const call = (plain ? httpRequest : httpsRequest)(
          url,
          { ...options, signal: AbortSignal.timeout(timeoutMs) },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              resolve({ status: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks)) });
            });
          },
        );
        call.on('error', reject);
        call.end(payload);
      });
    },
  };
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
