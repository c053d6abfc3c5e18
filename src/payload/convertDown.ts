/*
 * Down-conversion between Ignition specs 3.x. Every spec only adds to the one before, so converting is
 * relabelling the version — provided the config uses nothing the older spec lacks. What each spec added
 * (from diffing the official schemas, and coreos/ignition's config/v3_X/types for values):
 *
 * Found by the target's strict schema (an unknown key, a key it requires, a null it does not allow):
 *   3.1.0  httpHeaders on every resource; compression on merge/replace/certificateAuthorities resources;
 *          merge/replace/certificateAuthorities without source, or with a null one; ignition.proxy;
 *          storage.filesystems[].mountOptions
 *   3.2.0  storage.luks; storage.disks[].partitions[].resize; passwd.users[]/groups[].shouldExist
 *   3.3.0  kernelArguments; storage.links[] without target (or null); storage.raid[] without level or
 *          devices (or null level); storage.luks[].clevis.custom without pin or config (or null ones)
 *   3.4.0  storage.luks[].discard, .openOptions, .clevis.tang[].advertisement
 *   3.5.0  storage.luks[].cex
 *   3.6.0  nothing: its schema is identical to 3.5.0's
 * Found by findValueNeedingNewerSpec (values no schema tells apart):
 *   3.1.0  sha256- verification hashes (3.0.0 knows sha512 only)
 *   3.2.0  gs:// sources
 *   3.4.0  arn: (S3 ARN) sources
 * Nothing else differs. The few restrictions later specs added (3.4.0 refuses null noProxy entries, 3.3.0
 * a null clevis or clevis.custom) never stop a conversion downwards: the older spec accepts both forms.
 */
import { KindlingError } from '../errors/KindlingError.ts';
import { findSchemaProblem, type SchemaProblem } from './checkSchema.ts';
import { checkSemantics } from './checkSemantics.ts';
import type { ConfigShape } from './ConfigShape.ts';
import type { IgnitionConfig } from './IgnitionConfig.ts';
import { formatJsonPath } from './JsonPath.ts';
import { listResources } from './listResources.ts';
import { payloadError } from './payloadError.ts';
import { compareSpecVersions, SPEC_VERSIONS, type SpecVersion } from './SpecVersion.ts';
import { HASH_FUNCTIONS, hashFunction, URL_SCHEMES, urlScheme } from './versionGates.ts';

interface NewerSpecNeed {
  /** JSON path of the value, for KindlingError.path. */
  path: string;
  usage: string;
  since: SpecVersion;
}

/**
 * Returns a copy of a valid spec `from` config relabelled as spec `to` (older). Throws ERR_NOT_ACCEPTABLE
 * naming the first thing the config uses that `to` lacks, and TypeError when `to` is not older than `from`
 * or the config does not declare `from`. The input is never modified; the result passes validateIgnition.
 */
export function convertDown(config: IgnitionConfig, from: SpecVersion, to: SpecVersion): IgnitionConfig {
  if (compareSpecVersions(to, from) >= 0) {
    throw new TypeError(`convertDown: target spec ${to} must be older than source spec ${from}`);
  }
  if (config.ignition.version !== from) {
    throw new TypeError(`convertDown: the config declares spec ${config.ignition.version}, not ${from}`);
  }
  const converted = structuredClone(config);
  converted.ignition.version = to;
  const problem = findSchemaProblem(converted, to);
  if (problem !== undefined) throw notAcceptable(needFromSchema(converted, problem, to, from));
  // Sound: the strict schema of `to` has just accepted the config.
  const need = findValueNeedingNewerSpec(converted as unknown as ConfigShape, to);
  if (need !== undefined) throw notAcceptable(need);
  checkSemantics(converted, to);
  return converted;
}

/**
 * The oldest spec after `to` whose schema no longer refuses what `to`'s refused. If even `from` refuses it,
 * the input was never a valid spec `from` config and that is reported as such.
 */
function needFromSchema(
  config: IgnitionConfig,
  problem: SchemaProblem,
  to: SpecVersion,
  from: SpecVersion,
): NewerSpecNeed {
  const path = formatJsonPath(problem.path);
  const candidates = SPEC_VERSIONS.filter(
    (v) => compareSpecVersions(v, to) > 0 && compareSpecVersions(v, from) <= 0,
  );
  for (const version of candidates) {
    const relabelled = { ...config, ignition: { ...config.ignition, version } };
    const remaining = findSchemaProblem(relabelled, version);
    if (version === from && remaining !== undefined) {
      throw payloadError(remaining.rule, remaining.path, remaining.problem);
    }
    if (
      remaining === undefined ||
      formatJsonPath(remaining.path) !== path ||
      remaining.rule !== problem.rule
    ) {
      return { path, usage: problem.usage, since: version };
    }
  }
  throw new TypeError(`convertDown: no spec between ${to} and ${from}`);
}

/** The first resource value (hash function, URL scheme) that needs a spec newer than `to`. */
function findValueNeedingNewerSpec(config: ConfigShape, to: SpecVersion): NewerSpecNeed | undefined {
  const isNewer = (since: SpecVersion | undefined): since is SpecVersion =>
    since !== undefined && compareSpecVersions(since, to) > 0;
  for (const { path, resource } of listResources(config)) {
    const scheme = typeof resource.source === 'string' ? urlScheme(resource.source) : undefined;
    const schemeSince = scheme === undefined ? undefined : URL_SCHEMES.get(scheme);
    if (isNewer(schemeSince)) {
      const at = formatJsonPath([...path, 'source']);
      return { path: at, usage: `${at} (${scheme}: URL)`, since: schemeSince };
    }
    const hash = resource.verification?.hash;
    const name = typeof hash === 'string' ? hashFunction(hash) : undefined;
    const hashSince = name === undefined ? undefined : HASH_FUNCTIONS.get(name)?.since;
    if (isNewer(hashSince)) {
      const at = formatJsonPath([...path, 'verification', 'hash']);
      return { path: at, usage: `${at} (${name})`, since: hashSince };
    }
  }
  return undefined;
}

function notAcceptable({ path, usage, since }: NewerSpecNeed): KindlingError {
  return new KindlingError('ERR_NOT_ACCEPTABLE', `${usage} needs spec ${since} or newer`, {
    rule: 'needs-newer-spec',
    path,
  });
}
