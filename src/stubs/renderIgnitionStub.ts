import { KindlingError } from '../errors/KindlingError.ts';
import type { IgnitionConfig } from '../payload/IgnitionConfig.ts';
import type { JsonObject } from '../payload/JsonValue.ts';
import {
  compareSpecVersions,
  isSpecVersion,
  SPEC_VERSIONS,
  type SpecVersion,
} from '../payload/SpecVersion.ts';
import { dataUrl } from '../templates/dataUrl.ts';
import { advertiseFiles } from './advertiseFiles.ts';
import { authorizationValue } from './authorizationValue.ts';
import { normalizeCaPem } from './normalizeCaPem.ts';
import { payloadUrl } from './payloadUrl.ts';

/** `httpHeaders` (how the token is sent) exists from spec 3.1.0: a 3.0.0 stub would fetch without it. */
export const OLDEST_STUB_SPEC: SpecVersion = '3.1.0';

const PIN_HASH = /^(?:sha512-[0-9a-f]{128}|sha256-[0-9a-f]{64})$/;

export interface IgnitionStubOptions {
  /** The server's base URL; the stub fetches `<server>/ignition`. */
  server: string;
  token: string;
  /** PEM CA bundle the machine should trust for the server (else the system's trust store). */
  caPem?: string | undefined;
  /** Ask for the precompressed body: `compression: "gzip"` and `Accept-Encoding: gzip`, always together. */
  gzip?: boolean;
  /** `sha512-<hex>` (or `sha256-<hex>`) of the decompressed payload; see payloadPinHash. */
  pinHash?: string | undefined;
  specVersion?: SpecVersion;
  /** `ignition.timeouts.httpTotal`: give up after this many seconds (Ignition's default 0: never). */
  httpTotalSeconds?: number | undefined;
  /** Also write the files the payload's advertise unit reads (stubs/advertiseFiles.ts): the token persists. */
  advertise?: boolean;
}

/**
 * The Ignition config a machine boots with (cloud userdata): one `config.merge` entry fetching the payload
 * with the token in an Authorization header, never in the URL (Ignition logs URLs). Ignition uses
 * `security.tls.certificateAuthorities` for that fetch too, so the CA given here is what authenticates
 * the server. Throws TypeError for a spec older than 3.1.0, ERR_CONFIG_INVALID (naming the option) for
 * anything else it would not boot with.
 */
export function renderIgnitionStub({
  server,
  token,
  caPem,
  gzip = false,
  pinHash,
  specVersion = '3.4.0',
  httpTotalSeconds,
  advertise = false,
}: IgnitionStubOptions): IgnitionConfig {
  checkSpecVersion(specVersion);
  const httpHeaders: JsonObject[] = [{ name: 'Authorization', value: authorizationValue(token) }];
  const merge: JsonObject = { source: payloadUrl(server, 'ignition'), httpHeaders };
  if (gzip) {
    // Without the header the server answers identity bytes, which Ignition then fails to gunzip; with the
    // header but no `compression`, Ignition fails to parse gzip bytes as JSON. Never one without the other.
    httpHeaders.push({ name: 'Accept-Encoding', value: 'gzip' });
    merge.compression = 'gzip';
  }
  if (pinHash !== undefined) {
    if (!PIN_HASH.test(pinHash)) {
      throw invalid('pinHash', 'the pinned hash must be sha512-<128 hex> or sha256-<64 hex>');
    }
    merge.verification = { hash: pinHash };
  }
  const ignition: IgnitionConfig['ignition'] = { version: specVersion, config: { merge: [merge] } };
  if (httpTotalSeconds !== undefined) {
    if (!Number.isSafeInteger(httpTotalSeconds) || httpTotalSeconds < 0) {
      throw invalid('httpTotalSeconds', 'httpTotal must be a whole number of seconds, 0 or more');
    }
    ignition.timeouts = { httpTotal: httpTotalSeconds };
  }
  if (caPem !== undefined) {
    // A data URL exactly as Ignition's decoder accepts it (see payload/isValidDataUrl.ts).
    const pem = Buffer.from(normalizeCaPem(caPem)).toString('base64');
    ignition.security = {
      tls: { certificateAuthorities: [{ source: `data:text/plain;charset=utf-8;base64,${pem}` }] },
    };
  }
  if (!advertise) return { ignition };
  const files = advertiseFiles({ server, token, caPem }).map(({ path, mode, contents }) => ({
    path,
    mode,
    overwrite: true,
    contents: { source: dataUrl(contents) },
  }));
  return { ignition, storage: { files } };
}

function checkSpecVersion(specVersion: string): void {
  if (!isSpecVersion(specVersion)) {
    throw new TypeError(
      `Ignition spec ${JSON.stringify(specVersion)} is not one of ${SPEC_VERSIONS.join(', ')}`,
    );
  }
  if (compareSpecVersions(specVersion, OLDEST_STUB_SPEC) < 0) {
    throw new TypeError(
      `an Ignition stub must be spec ${OLDEST_STUB_SPEC} or newer: spec ${specVersion} has no httpHeaders, ` +
        'so Ignition would drop the Authorization header and the boot would fail',
    );
  }
}

function invalid(path: string, message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path });
}
