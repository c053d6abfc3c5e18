import { shellQuote } from '../templates/shellQuote.ts';

/** Where the stub puts things. /run is a tmpfs: the token and the fetched config do not outlive the boot. */
export const STUB_PATHS = {
  header: '/run/kindling/authorization',
  ca: '/run/kindling/ca.pem',
  payload: '/run/kindling/cloud-config',
  // Run by cloud-init's scripts_per_instance in the final stage: once per instance, just before scripts_user.
  script: '/var/lib/cloud/scripts/per-instance/kindling-fetch',
} as const;

/**
 * The cloud-init modules the stub runs over the fetched config, in cloud-init's own stage order, so these
 * top-level keys of a served `#cloud-config` take effect:
 * write_files (not deferred) · hostname, fqdn, prefer_fqdn_over_hostname · manage_etc_hosts · users, groups
 * · ca_certs · timezone · ntp · packages, package_update, package_upgrade, package_reboot_if_required
 * · write_files with `defer: true` · runcmd.
 * `runcmd` is last: its module only writes the script, which scripts_user (the next final-stage module after
 * scripts_per_instance) runs natively, in this same boot. Every module skips itself when its key is absent.
 */
export const APPLIED_MODULES = [
  'write_files',
  'set_hostname',
  'update_hostname',
  'update_etc_hosts',
  'users_groups',
  'ca_certs',
  'timezone',
  'ntp',
  'package_update_upgrade_install',
  'write_files_deferred',
  'runcmd',
] as const;

export interface CloudConfigFetchScriptOptions {
  /** `<server>/cloud-config`, already checked. */
  url: string;
  /** Whether the stub wrote a CA bundle to STUB_PATHS.ca. */
  withCa: boolean;
}

/**
 * The POSIX sh script that fetches and applies the config (see renderCloudConfigStub.ts for the why).
 * It never holds the token: curl reads the whole header from a root-only file (`-H @file`, curl ≥ 7.55), so
 * the token is in no URL and no process's arguments.
 */
export function cloudConfigFetchScript({ url, withCa }: CloudConfigFetchScriptOptions): string {
  const protocol = url.startsWith('https:') ? '=https' : '=http';
  const tls = withCa ? ` --cacert ${STUB_PATHS.ca}` : '';
  return `#!/bin/sh
# kindling: fetch this machine's #cloud-config with its bearer token, then apply it with cloud-init.
# Retries like Ignition: 0.2, 0.4, 0.8, 1.6, 3.2 s, then every 5 s, forever on 5xx and network errors;
# gives up at once on any other answer (4xx: this machine will never get a config).
# Everything runs from inside main(): sh has read the whole of it before the first command, so write_files
# rewriting this very file (cloud-init single below) cannot change what runs.
main() {
  url=${shellQuote(url)}
  header=${STUB_PATHS.header}
  payload=${STUB_PATHS.payload}
  trap 'rm -f "$header" "$payload"' EXIT
  command -v curl >/dev/null || fail 'curl is not installed'
  [ -s "$header" ] || fail "$header is gone (a reboot before the first fetch?): no token to fetch with"
  attempt=0
  while :; do
    # umask 077 in this subshell only: the config holds secrets (a join token), so it is root-only from its
    # first byte, while cloud-init below keeps the usual umask for the files and directories it creates.
    status=$(umask 077 && curl --silent --show-error --proto ${protocol}${tls} --header "@$header" \\
      --connect-timeout 10 --max-time 60 --output "$payload" --write-out '%{http_code}' "$url")
    case $status in
      200) break ;;
      5??) say "$url answered HTTP $status; retrying" ;;
      000 | '') say "$url did not answer (network, DNS or TLS); retrying" ;;
      *) fail "$url answered HTTP $status: giving up, this machine will not get its config" ;;
    esac
    attempt=$((attempt + 1))
    case $attempt in
      1) pause=0.2 ;; 2) pause=0.4 ;; 3) pause=0.8 ;; 4) pause=1.6 ;; 5) pause=3.2 ;; *) pause=5 ;;
    esac
    sleep "$pause"
  done
  case $(head -n 1 "$payload") in '#cloud-config'*) ;; *) fail 'the answer is not a #cloud-config' ;; esac
  # Output discarded: it may quote the config, which holds secrets (a join token).
  cloud-init schema --config-file "$payload" >/dev/null 2>&1 || fail 'the config is not valid cloud-config'
  for module in ${APPLIED_MODULES.join(' ')}; do
    cloud-init --file "$payload" single --name "$module" --frequency always ||
      fail "cloud-init module $module failed (see /var/log/cloud-init.log)"
  done
  say 'config applied; its runcmd, if any, runs next (scripts_user)'
}
say() { echo "kindling: $*" >&2; }
fail() { say "$*"; exit 1; }
main
exit
`;
}
