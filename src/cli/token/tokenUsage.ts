import { CREATE_FLAGS } from './commands/runCreate.ts';
import { LIST_FLAGS } from './commands/runList.ts';
import { MINT_FLAGS } from './commands/runMint.ts';
import { REVOKE_FLAGS } from './commands/runRevoke.ts';
import { ROTATE_FLAGS } from './commands/runRotate.ts';
import { ROTATE_KEY_FLAGS } from './commands/runRotateKey.ts';
import { STUB_FLAGS } from './commands/runStub.ts';
import { describeFlags, type FlagDefinitions } from '../flags/parseFlags.ts';

interface CommandHelp {
  synopsis: string;
  about: string;
  flags: FlagDefinitions;
}

const HELP: Record<string, CommandHelp> = {
  'token create': {
    synopsis: '--pool NAME (--template FILE | --payload FILE) [--ttl 24h] [--bootstrap-token]',
    about:
      "Creates the pool's token Secret (token-NAME), or brings it up to date: the payload or template is\n" +
      'replaced, the token kept while it is live. Prints token fingerprints, never the token.',
    flags: CREATE_FLAGS,
  },
  'token rotate': {
    synopsis: '--pool NAME [--overlap 6h] [--ttl DURATION] [--force]',
    about:
      'Issues a new token; the old one keeps working until the overlap ends. Userdata Secrets written by\n' +
      '`stub --to-secret` are rewritten with the new token.',
    flags: ROTATE_FLAGS,
  },
  'token revoke': {
    synopsis: '--pool NAME | --machine NAME [--pool NAME]',
    about:
      'Revokes a pool (its tokens and machine tokens) or one machine: refused (403) once the server sees it.',
    flags: REVOKE_FLAGS,
  },
  'token list': {
    synopsis: '[--pool NAME] [-o table|json]',
    about:
      'Pools: token fingerprint, age, expiry, overlap end, first fetch, payload hash, status; with --pool, machines.',
    flags: LIST_FLAGS,
  },
  'token mint': {
    synopsis: '--pool NAME --machine NAME --server URL [--ttl 2h]',
    about: 'Prints a per-machine token (a signed JWS), recorded so that it can be revoked.',
    flags: MINT_FLAGS,
  },
  'token rotate-key': {
    synopsis: '[--force]',
    about:
      'Replaces the machine-token signing key; tokens of the current key keep verifying until the next rotation.',
    flags: ROTATE_KEY_FLAGS,
  },
  stub: {
    synopsis:
      '--pool NAME [--machine NAME] --format ignition|cloud-config --server URL [--ca FILE] [--gzip] [--pin-hash] [--to-secret NAME]',
    about:
      "Prints a machine's boot stub, or stores it as a userdata Secret (key value, as Cluster API reads it).",
    flags: STUB_FLAGS,
  },
};

export function commandUsage(name: string): string {
  const help = HELP[name];
  if (help === undefined) return tokenUsage();
  return `Usage: kindling ${name} ${help.synopsis}\n\n${help.about}\n\nFlags:\n${describeFlags(help.flags)}`;
}

export function tokenUsage(): string {
  const lines = Object.entries(HELP).map(
    ([name, { synopsis }]) => `  kindling ${name.padEnd(16)} ${synopsis}`,
  );
  return `Usage:\n${lines.join('\n')}

Every command acts on the cluster of the current kubeconfig and takes --namespace NS (the server's,
default kindling) and --kubeconfig FILE. \`kindling COMMAND --help\` describes one.
Exit codes: 0 done, 2 a wrong flag or input file (nothing was written), 1 the cluster failed or refused.
`;
}
