import { z } from 'zod';
import { duration } from '../../config/units.ts';
import { KindlingError } from '../../errors/KindlingError.ts';
import { payloadUrl } from '../../stubs/payloadUrl.ts';
import { isMachineName, isPoolName } from '../../tokens/jws/machineTokenFormat.ts';
import { DEFAULT_KEY_NAMESPACE } from '../../tokens/machineRecordsFormat.ts';
import type { FlagDefinitions } from './parseFlags.ts';

/*
 * The values flags take, as zod schemas whose messages follow the flag name (`--pool is required`). A
 * message never repeats the value: a mistyped flag may have swallowed a token.
 */

const required = (otherwise: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : otherwise),
});

const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

export const poolName = z
  .string(required('must be a pool name'))
  .refine(isPoolName, 'must be a DNS label: lower-case letters, digits and -, at most 63 characters');

export const machineName = z
  .string(required('must be a machine name'))
  .refine(isMachineName, 'must be a node name: a lower-case DNS subdomain of at most 253 characters');

export const namespaceName = z.string().refine(isPoolName, 'must be a namespace name: a DNS label');

export const secretName = z
  .string(required('must be a Secret name'))
  .refine(
    (name) => name.length <= 253 && DNS_SUBDOMAIN.test(name),
    'must be a Secret name: a lower-case DNS subdomain',
  );

export const fileName = z.string(required('must be a file name')).min(1, 'needs a file name');

/** A duration (`30m`, `6h`, `7d`); `0` where `zero` says what it means. Milliseconds, whole seconds up. */
export function durationFlag(zero?: 'never' | 'none') {
  return z.string(required('must be a duration')).transform((text, ctx) => {
    if (zero !== undefined && text.trim() === '0') return 0;
    const parsed = duration.safeParse(text);
    if (!parsed.success || parsed.data <= 0) {
      const also = zero === 'never' ? ', or 0 for no expiry' : zero === 'none' ? ', or 0' : '';
      ctx.addIssue({ code: 'custom', message: `must be a duration such as 30m, 6h, 24h, 7d${also}` });
      return z.NEVER;
    }
    return Math.ceil(parsed.data / 1000) * 1000;
  });
}

/**
 * The server's base URL, as stubs fetch from it and as machine tokens name it (`aud`): what payloadUrl
 * accepts, in its normal form (lower-case host, default port dropped, no trailing slash), so that
 * `https://Kindling.example:443/` and `https://kindling.example` are one audience.
 */
export const serverUrl = z.string(required('must be a URL')).transform((text, ctx) => {
  try {
    return payloadUrl(text, 'ignition').slice(0, -'/ignition'.length);
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message.replace(/^the server URL /, '') });
    return z.NEVER;
  }
});

/** Where every command finds the cluster and the server. */
export const CLUSTER_FLAGS: FlagDefinitions = {
  namespace: {
    type: 'string',
    short: 'n',
    value: 'NS',
    help: "the server's namespace, where token Secrets live (default kindling)",
  },
  kubeconfig: {
    type: 'string',
    value: 'FILE',
    help: 'kubeconfig file (default $KUBECONFIG, else ~/.kube/config, else in-cluster)',
  },
};

/** Where the private signing key lives: never the server's namespace (ensureSigningKey checks). */
export const KEY_NAMESPACE_FLAG: FlagDefinitions = {
  'key-namespace': {
    type: 'string',
    value: 'NS',
    help: `where the private signing key lives, out of the server's reach (default ${DEFAULT_KEY_NAMESPACE})`,
  },
};

export const keyNamespace = namespaceName.default(DEFAULT_KEY_NAMESPACE);

export const kubeconfigFile = z.string().min(1, 'needs a file name').optional();

/** The token commands' --namespace and --kubeconfig (node commands default the namespace from the env). */
export const clusterFlags = {
  namespace: namespaceName.default('kindling'),
  kubeconfig: kubeconfigFile,
};
