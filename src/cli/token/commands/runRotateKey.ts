import { z } from 'zod';
import { createSigningKey } from '../../../tokens/jws/createSigningKey.ts';
import { PREVIOUS_KEY } from '../../../tokens/jws/signingKeyFormat.ts';
import { signingKeySecret } from '../../../tokens/jws/signingKeySecret.ts';
import { toPublicJwk } from '../../../tokens/jws/toPublicJwk.ts';
import type { CommandContext } from '../CommandContext.ts';
import { usageError } from '../../CommandError.ts';
import { SIGNING_KEY_SECRET_NAME } from '../../../tokens/machineRecordsFormat.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import { CLUSTER_FLAGS, clusterFlags, KEY_NAMESPACE_FLAG, keyNamespace } from '../../flags/flagSchemas.ts';
import { parseFlags, type FlagDefinitions } from '../../flags/parseFlags.ts';
import { openClusterApi } from '../kube/openClusterApi.ts';
import { ensureSigningKey, syncVerificationKeys } from '../machines/ensureSigningKey.ts';
import { listMachineTokens } from '../machines/machineRegistry.ts';

export const ROTATE_KEY_FLAGS: FlagDefinitions = {
  force: {
    type: 'boolean',
    help: 'rotate even though live tokens were signed by the key that would be dropped',
  },
  ...KEY_NAMESPACE_FLAG,
  ...CLUSTER_FLAGS,
};

const schema = z.object({
  force: z.boolean().default(false),
  'key-namespace': keyNamespace,
  ...clusterFlags,
});

/**
 * `token rotate-key`: a new signing key. The server keeps verifying with the current key, which becomes the
 * previous one; the previous key is dropped, so a rotation is refused while tokens it signed are still live.
 */
export async function runRotateKey(args: readonly string[], context: CommandContext): Promise<number> {
  const flags = parseFlags(args, ROTATE_KEY_FLAGS, schema);
  const { namespace } = flags;
  const api = openClusterApi(flags.kubeconfig, context);
  const places = { api, namespace, keyNamespace: flags['key-namespace'] };
  const state = await ensureSigningKey(places);
  if (state.created) {
    context.stdout(
      `${[...state.lines, 'there was no signing key: the new one is current, nothing to rotate'].join('\n')}\n`,
    );
    return 0;
  }
  const dropped = state.publicJwks[1];
  const now = context.now();
  if (dropped !== undefined && !flags.force) {
    const live = (await listMachineTokens(api, namespace)).filter(
      (token) => token.record.kid === dropped.kid && token.record.exp * 1000 > now,
    );
    if (live.length > 0) {
      const last = Math.max(...live.map((token) => token.record.exp)) * 1000;
      throw usageError(
        `${live.length} live token(s) were signed by key ${dropped.kid}, which this rotation would drop; they expire by ${rfc3339(last)}. Wait until then, or pass --force`,
      );
    }
  }
  const key = await createSigningKey();
  const previous = toPublicJwk(state.privateJwk);
  // The server learns the new key before any token is signed with it.
  const lines = [...state.lines, ...(await syncVerificationKeys(api, namespace, key.privateJwk, previous))];
  const ref = { namespace: flags['key-namespace'], name: SIGNING_KEY_SECRET_NAME };
  const secret = signingKeySecret({ ...ref, current: key.privateJwk, previous });
  await api.patchSecret(ref, {
    metadata: { resourceVersion: state.signingSecret.metadata.resourceVersion },
    data: { ...secret.data, [PREVIOUS_KEY]: secret.data?.[PREVIOUS_KEY] ?? null },
  });
  lines.push(
    `rotated the signing key in Secret ${ref.namespace}/${ref.name}: new kid ${key.kid}; kid ${previous.kid ?? ''} still verifies until the next rotation${dropped === undefined ? '' : `; kid ${dropped.kid ?? ''} dropped`}`,
  );
  context.stdout(`${lines.join('\n')}\n`);
  return 0;
}
