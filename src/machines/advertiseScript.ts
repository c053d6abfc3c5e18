import { ADVERTISE_PATHS } from '../stubs/advertiseFiles.ts';
import { shellQuote } from '../templates/shellQuote.ts';

/**
 * How the payload knows the name the node will register under: fixed at render time (`fixed`,
 * `machine-name`), or derived from the machine id at boot (`machine-id`, as the join script derives it).
 * Unset: the hostname, lower-cased (kubeadm's default), which the server derives from the report itself.
 */
export type AdvertisedNodeName = { fixed: string } | { machineIdPrefix: string } | undefined;

// PCI vendors whose display controllers are GPUs (NVIDIA, AMD, Intel). Servers also have a BMC's VGA
// (ASPEED, Matrox) and VMs a virtual one: those are no GPU and must not make gpu.count 1 everywhere.
const GPU_VENDORS = '0x10de) vendor=nvidia ;; 0x1002) vendor=amd ;; 0x8086) vendor=intel ;;';
// Interfaces a container runtime or a CNI plugin creates: facts of the pods, not of the machine.
const POD_INTERFACES =
  'lo | veth* | cali* | cilium_* | lxc* | flannel* | cni* | docker* | tunl* | vxlan* | kube-*';

/**
 * The POSIX sh script kindling-advertise.service runs at every boot. It gathers facts with what every
 * distribution has (uname, /proc, /sys, /etc/os-release; `lspci` for GPU names and `ip` for addresses when
 * present), writes them as JSON without jq, and posts them with curl to the URL the stub left, with the
 * header file the stub left (never the token on a command line). 5xx and network errors are retried with
 * backoff (2 s doubling to 5 min, forever: the server may come up after the machine); any other answer ends
 * it. `KINDLING_ADVERTISE_ROOT` prefixes every file it reads: tests run it against a fake machine.
 * (In the template, `${'$'}{` writes the shell's own `${`.)
 */
export function advertiseScript(nodeName: AdvertisedNodeName): string {
  const nameLine =
    nodeName === undefined
      ? "node_name=''"
      : 'fixed' in nodeName
        ? `node_name=${shellQuote(nodeName.fixed)}`
        : `node_name=${shellQuote(nodeName.machineIdPrefix)}"$(head -c 12 "$root/etc/machine-id")"`;
  return String.raw`#!/bin/sh
# Written by kindling. kindling-advertise.service runs it at every boot: it reports what this machine is to
# kindling (POST /advertise) and never holds up the join.
set -u
root=${'$'}{KINDLING_ADVERTISE_ROOT:-}
url_file=$root${ADVERTISE_PATHS.url}
header=$root${ADVERTISE_PATHS.header}
ca=$root${ADVERTISE_PATHS.ca}
tab=$(printf '\t')

say() { echo "kindling-advertise: $*" >&2; }
# A JSON string: control characters dropped, backslashes and quotes escaped.
str() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
# add KEY JSON: one more member of the report.
fields=''
add() { fields="${'$'}{fields:+$fields,}\"$1\":$2"; }
read_file() { [ -r "$1" ] && head -n 1 "$1" | sed 's/[[:space:]]*$//'; }

if [ ! -s "$url_file" ] || [ ! -s "$header" ]; then
  say "no $url_file or $header: this machine's stub does not advertise"
  exit 0
fi

add hostname "$(str "$(uname -n)")"
${nameLine}
[ -n "$node_name" ] && add nodeName "$(str "$node_name")"
machine_id=$(tr -dc '0-9a-f' < "$root/etc/machine-id" 2>/dev/null | head -c 32)
[ ${'$'}{#machine_id} -eq 32 ] && add machineId "$(str "$machine_id")"
add architecture "$(str "$(uname -m)")"
add kernel "$(str "$(uname -r)")"

cpus=$(grep -c '^processor' "$root/proc/cpuinfo" 2>/dev/null)
if [ "${'$'}{cpus:-0}" -gt 0 ]; then
  model=$(sed -n -E 's/^(model name|Model|Hardware|cpu model)[[:space:]]*:[[:space:]]*//p' "$root/proc/cpuinfo" | head -n 1)
  add cpu "{\"count\":$cpus${'$'}{model:+,\"model\":$(str "$model")}}"
fi

memory=$(awk '/^MemTotal:/ { printf "%.0f", $2 * 1024 }' "$root/proc/meminfo" 2>/dev/null)
[ -n "$memory" ] && add memory "{\"totalBytes\":$memory}"

# GPUs: display controllers (PCI class 0x03) of GPU vendors, named by lspci when it is there.
gpus=$(for device in "$root"/sys/bus/pci/devices/*; do
  case $(cat "$device/class" 2>/dev/null) in 0x03*) ;; *) continue ;; esac
  case $(cat "$device/vendor" 2>/dev/null) in ${GPU_VENDORS} *) continue ;; esac
  model=$(lspci -mm -s "${'$'}{device##*/}" 2>/dev/null | awk -F '"' 'NR == 1 { print $6 }')
  printf '%s\t%s\n' "$vendor" "${'$'}{model:-pci-$(cat "$device/device")}"
done | sort | uniq -c | while read -r count rest; do
  printf '%s{"vendor":%s,"model":%s,"count":%s}' "${'$'}{sep:-}" "$(str "${'$'}{rest%%"$tab"*}")" "$(str "${'$'}{rest#*"$tab"}")" "$count"
  sep=,
done)
add gpus "[$gpus]"

# Disks: block devices backed by a device (no loop, ram, zram or device-mapper); size in 512-byte sectors.
disks=$(for block in "$root"/sys/block/*; do
  [ -e "$block/device" ] || continue
  size=$(awk '{ printf "%.0f", $1 * 512 }' "$block/size")
  model=$(read_file "$block/device/model")
  printf '%s{"name":%s,"sizeBytes":%s,"rotational":%s%s}' "${'$'}{sep:-}" "$(str "${'$'}{block##*/}")" "$size" \
    "$([ "$(cat "$block/queue/rotational" 2>/dev/null)" = 1 ] && echo true || echo false)" \
    "${'$'}{model:+,\"model\":$(str "$model")}"
  sep=,
done)
add disks "[$disks]"

interfaces=$(for link in "$root"/sys/class/net/*; do
  name=${'$'}{link##*/}
  case $name in ${POD_INTERFACES}) continue ;; esac
  mac=$(read_file "$link/address")
  addresses=$(ip -o addr show dev "$name" 2>/dev/null | awk '$3 == "inet" || $3 == "inet6" { print $4 }' |
    while read -r address; do printf '%s%s' "${'$'}{comma:-}" "$(str "$address")"; comma=,; done)
  printf '%s{"name":%s%s,"addresses":[%s]}' "${'$'}{sep:-}" "$(str "$name")" \
    "$(case $mac in ??:??:??:??:??:??*) printf ',"mac":%s' "$(str "$mac")" ;; esac)" "$addresses"
  sep=,
done)
add interfaces "[$interfaces]"

if [ -r "$root/etc/os-release" ]; then
  add os "$(. "$root/etc/os-release"
    printf '{"id":%s' "$(str "${'$'}{ID:-linux}")"
    [ -n "${'$'}{VERSION_ID:-}" ] && printf ',"versionId":%s' "$(str "$VERSION_ID")"
    [ -n "${'$'}{PRETTY_NAME:-}" ] && printf ',"prettyName":%s' "$(str "$PRETTY_NAME")"
    printf '}')"
fi

btime=$(awk '/^btime/ { print $2 }' "$root/proc/stat" 2>/dev/null)
boot_time=$(date -u -d "@${'$'}{btime:-x}" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null) && add bootTime "$(str "$boot_time")"

url=$(read_file "$url_file")
body=$(mktemp)
answer=$(mktemp)
trap 'rm -f "$body" "$answer"' EXIT
printf '{%s}\n' "$fields" > "$body"
set -- --silent --show-error --header "@$header" --header 'Content-Type: application/json' \
  --data-binary "@$body" --connect-timeout 10 --max-time 30 --output "$answer" --write-out '%{http_code}'
case $url in https:*) set -- "$@" --proto =https ;; esac
[ -s "$ca" ] && set -- "$@" --cacert "$ca"
pause=2
while :; do
  status=$(curl "$@" "$url")
  case $status in
    2??) say "reported to $url"; exit 0 ;;
    5??) say "$url answered HTTP $status; retrying in $pause s" ;;
    000 | '') say "$url did not answer (network, DNS or TLS); retrying in $pause s" ;;
    *) say "$url refused the report (HTTP $status): $(head -c 500 "$answer")"; exit 1 ;;
  esac
  sleep "$pause"
  pause=$((pause * 2))
  [ "$pause" -gt 300 ] && pause=300
done
`;
}
