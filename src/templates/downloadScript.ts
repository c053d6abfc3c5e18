import type { PlanDownload } from './NodePlan.ts';
import { shellQuote } from './shellQuote.ts';

/**
 * The shell script that does for cloud-init what Ignition does with a file's source and verification hash:
 * download, refuse the file unless its hash matches, then move it into place (never a half-written binary).
 */
export function downloadScript(downloads: readonly PlanDownload[]): string {
  const calls = downloads.map(({ path, mode, url, hash }) => {
    const [algorithm = '', digest = ''] = hash?.split('-') ?? [];
    const check = hash === undefined ? '- -' : `${algorithm}sum ${digest}`;
    return `fetch ${shellQuote(url)} ${shellQuote(path)} ${mode.toString(8).padStart(4, '0')} ${check}`;
  });
  return `#!/bin/sh
# Written by kindling: downloads what an Ignition config would have fetched, checking each file's hash.
set -eu

# fetch URL DESTINATION MODE CHECKSUM-TOOL DIGEST ("- -": no hash to check)
fetch() {
  mkdir -p "$(dirname "$2")"
  curl --fail --silent --show-error --location --retry 10 --retry-delay 5 --output "$2.download" "$1"
  if [ "$4" != - ]; then
    printf '%s  %s\\n' "$5" "$2.download" | "$4" --check --quiet -
  fi
  chmod "$3" "$2.download"
  mv -f "$2.download" "$2"
}

${calls.join('\n')}
`;
}
