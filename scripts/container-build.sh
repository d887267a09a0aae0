#!/usr/bin/env bash
# Builds the image from ./Dockerfile for one platform with podman/buildah (no Docker engine, no registry):
# the base image of the build-platform stages comes from scripts/container-base.sh. Every RUN of the
# Dockerfile runs on this machine's platform, so an arm image builds here without emulation.
# Prints the image reference on stdout; the build log goes to stderr.
#
#   scripts/container-build.sh [PLATFORM [OPENVINO [IMAGE]]]
#     PLATFORM  linux/amd64 (default), linux/arm64, linux/arm/v7
#     OPENVINO  wheel (default), archive, none: the Dockerfile's runtime choice
#     IMAGE     tag (default localhost/leukoserve:check-<arch>-<openvino>)
# Env: LEUKOSERVE_BUILD_CA (a CA bundle for pip/npm inside the build, default the system's),
#      PODMAN_ROOT / PODMAN_STORAGE_DRIVER (scripts/container-podman.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
platform=${1:-linux/amd64}
openvino=${2:-wheel}
arch=${platform#linux/}
image=${3:-localhost/leukoserve:check-${arch//\//}-$openvino}
# shellcheck source=scripts/container-podman.sh
source "$root/scripts/container-podman.sh"

say() { printf '\033[1m[container-build]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31m[container-build] FAIL:\033[0m %s\n' "$*" >&2; exit 1; }

case "$platform" in linux/amd64 | linux/arm64 | linux/arm/v7) ;; *) fail "unknown platform $platform (linux/amd64, linux/arm64, linux/arm/v7)" ;; esac
case "$openvino" in wheel | archive | none) ;; *) fail "unknown OPENVINO $openvino (wheel, archive, none)" ;; esac

base=$("$root/scripts/container-base.sh")
# BUILDPLATFORM given explicitly: podman 4.3 (Debian bookworm) leaves it to the target platform in
# `FROM --platform=$BUILDPLATFORM`, and then looks for an arm base image.
build_platform=linux/$(dpkg --print-architecture)
build=(--isolation chroot --format docker --platform "$platform" --build-arg "BUILDPLATFORM=$build_platform"
       --build-arg "BASE_IMAGE=$base"
       --build-arg "OPENVINO=$openvino"
       --build-arg "REVISION=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
       --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
ca=${LEUKOSERVE_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}
if [[ -f "$ca" ]]; then
  # This machine's trust store (it may hold a TLS-inspecting proxy's CA) for pip and npm in the build.
  build+=(--volume "$ca:/run/leukoserve-build-ca.crt:ro"
          --build-arg PIP_CERT=/run/leukoserve-build-ca.crt
          --build-arg NODE_EXTRA_CA_CERTS=/run/leukoserve-build-ca.crt)
fi
started=$SECONDS
say "building $image ($platform, OPENVINO=$openvino) from $root/Dockerfile"
"${podman[@]}" build "${build[@]}" -t "$image" -f "$root/Dockerfile" "$root" >&2 \
  || fail "the $platform image build failed (log above)"
size=$("${podman[@]}" image inspect --format '{{.Size}}' "$image")
say "built $image in $((SECONDS - started)) s: $((size / 1000000)) MB"
echo "$image"
