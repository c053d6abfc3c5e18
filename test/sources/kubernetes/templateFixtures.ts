import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { tokenSecret, type TokenSecretInit } from '../../support/tokenSecret.ts';

// fixtures/templates/: the worker template, its golden rendering, and the cluster objects it reads.

const TEMPLATES = new URL('../../../fixtures/templates/', import.meta.url).pathname;
export const readTemplateFixture = (file: string) => readFileSync(join(TEMPLATES, file), 'utf8');

/** The objects of fixtures/templates/cluster/ as written there (kind, metadata, data). */
export const clusterInfo = () => parse(readTemplateFixture('cluster/cluster-info.yaml')) as SecretObject;
export const bootstrapToken = () =>
  parse(readTemplateFixture('cluster/bootstrap-token-abcdef.yaml')) as SecretObject;
/** The same bootstrap token with another secret half. */
export function rotatedBootstrapToken(secretHalf = 'fedcba9876543210'): SecretObject {
  const rotated = bootstrapToken();
  rotated.data = { ...rotated.data, 'token-secret': Buffer.from(secretHalf).toString('base64') };
  return rotated;
}
/** worker.yaml rendered with those objects, as served. */
export const goldenWorkerIgnition = () =>
  JSON.stringify(JSON.parse(readTemplateFixture('worker.ignition.json')));

/**
 * A control-plane template that renders for a pool token (control-plane.yaml names its node after the
 * machine, which only a per-machine token can).
 */
export function controlPlaneTemplate(): string {
  const template = parse(readTemplateFixture('control-plane.yaml')) as { node: { hostname: unknown } };
  template.node.hostname = { policy: 'keep' };
  return stringify(template);
}

/** A token Secret carrying a template (worker.yaml unless told) instead of a payload. */
export function templateSecret(init: TokenSecretInit & { template?: string }): SecretObject {
  const { template = readTemplateFixture('worker.yaml'), ...rest } = init;
  const secret = tokenSecret(rest);
  delete secret.data?.payload;
  secret.stringData = { ...secret.stringData, template };
  return secret;
}

export interface IgnitionAnswer {
  status: number;
  etag: string | null;
  body: string;
}

export async function getIgnition(url: string, token: string): Promise<IgnitionAnswer> {
  const response = await fetch(`${url}/ignition`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, etag: response.headers.get('etag'), body: await response.text() };
}

export const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
