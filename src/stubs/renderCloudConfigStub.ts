import { stringify } from 'yaml';
import { advertiseFiles } from './advertiseFiles.ts';
import { authorizationValue } from './authorizationValue.ts';
import { cloudConfigFetchScript, STUB_PATHS } from './cloudConfigFetchScript.ts';
import { normalizeCaPem } from './normalizeCaPem.ts';
import { payloadUrl } from './payloadUrl.ts';

export interface CloudConfigStubOptions {
  /** The server's base URL; the stub fetches `<server>/cloud-config`. */
  server: string;
  token: string;
  /** PEM CA bundle curl should trust for the server (else the system's trust store). */
  caPem?: string | undefined;
  /** Also write the files the payload's advertise unit reads (stubs/advertiseFiles.ts): the token persists. */
  advertise?: boolean;
}

/**
 * The `#cloud-config` userdata a cloud-init machine (22.4+) boots with. It holds only `write_files`: the
 * Authorization header (root-only, 0600, on /run), the CA, and a script that cloud-init runs once per
 * instance in its final stage (cloudConfigFetchScript.ts).
 *
 * How the fetched config is applied. `#include` cannot send a header; `write_files[].source.headers` needs
 * cloud-init 24.3 and only writes a file. cloud-init reads its config once per stage, and a config dropped
 * into /etc/cloud/cloud.cfg.d/ late is not merely late: keys of the userdata (this stub's write_files) win
 * over it. So the script applies the config itself, with cloud-init's own code: for each module of
 * APPLIED_MODULES, `cloud-init --file <config> single --name <module> --frequency always`. A `--file` config
 * takes precedence over userdata and system config (cloudinit/helpers.py ConfigMerger), and `always` runs
 * the module even though its stage already ran. `runcmd` is applied last and cloud-init's next final-stage
 * module (scripts_user) runs it natively. Limits, all explicit: only the keys of APPLIED_MODULES take effect
 * (bootcmd, ssh keys, mounts, disk_setup, apt/yum repositories, power_state … do not); they take effect in
 * the final stage, not the stage they normally run in; the default user of the system config still exists.
 * Checked end to end on Debian's cloud-init 22.4.2 (NoCloud, all four stages, in a throwaway overlay root):
 * write_files, deferred files owned by a new user, hostname, users and runcmd all applied in the first boot.
 */
export function renderCloudConfigStub({
  server,
  token,
  caPem,
  advertise = false,
}: CloudConfigStubOptions): string {
  const url = payloadUrl(server, 'cloud-config');
  const writeFiles: Record<string, string>[] = [
    {
      path: STUB_PATHS.header,
      owner: 'root:root',
      permissions: '0600',
      content: `Authorization: ${authorizationValue(token)}\n`,
    },
  ];
  if (caPem !== undefined) {
    writeFiles.push({
      path: STUB_PATHS.ca,
      owner: 'root:root',
      permissions: '0644',
      content: normalizeCaPem(caPem),
    });
  }
  writeFiles.push({
    path: STUB_PATHS.script,
    owner: 'root:root',
    permissions: '0700',
    content: cloudConfigFetchScript({ url, withCa: caPem !== undefined }),
  });
  if (advertise) {
    for (const { path, mode, contents } of advertiseFiles({ server, token, caPem })) {
      writeFiles.push({ path, owner: 'root:root', permissions: `0${mode.toString(8)}`, content: contents });
    }
  }
  // Literal blocks, never folded: the script and the PEM must reach the machine byte for byte.
  return `#cloud-config\n${stringify({ write_files: writeFiles }, { blockQuote: 'literal', lineWidth: 0 })}`;
}
