#!/usr/bin/env bash
# Builds the arm images on this x86-64 machine (no emulation: every RUN of the Dockerfile runs on the
# build platform) and runs them under QEMU user-mode emulation, against the amd64 image as reference:
#   amd64   (OPENVINO=wheel, native): the reference scores of every fixture, and its preprocessing bytes;
#   arm64   (OPENVINO=wheel) on each CPU model of EMULATED_CPUS: /health/ready 200, /devices 200 with CPU,
#           POST /classify 200 on every fixture, scores equal to amd64's within 1e-4; the same
#           preprocessing bytes as amd64;
#   arm/v7  (OPENVINO=none: PyPI has no armv7 wheel) under qemu-arm-static -cpu cortex-a15: Node starts,
#           koffi and sharp load, the preprocessing bytes equal amd64's for every fixture, and
#           `node dist/main.js` stops at start with LibraryNotFoundError naming where it looked.
#
#   sudo scripts/container-emulated-check.sh   (root: chroot and mounts need it)
#
# How: the image's root file system (podman image mount) bound read-only, with /proc, /dev, /sys and a
# tmpfs on /tmp and on the cache volume, entered with `unshare --root --wd` as the image's user, with the
# image's env and working directory and a clean environment otherwise. Under emulation the image's
# command (`node dist/main.js`) runs under qemu-<arch>-static copied into the image's /tmp: not behind
# tini, because without binfmt_misc an ARM program cannot exec another one.
# Env: EMULATED_CPUS (arm64 CPU models, default "cortex-a72 cortex-a76"; `qemu-aarch64-static -cpu help`),
#      EMULATED_ARCHES (default "arm64 armv7"), READY_TIMEOUT_S (default 300), REQUEST_TIMEOUT_MS
#      (default 600000: ~25 s per inference on cortex-a72, ~150 s on max), and those of
#      scripts/container-build.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/container-podman.sh
source "$root/scripts/container-podman.sh"

say() { printf '\033[1m[emulated-check]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31m[emulated-check] FAIL:\033[0m %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "run as root: chroot and mount need it"
for tool in podman buildah debootstrap curl node unshare qemu-aarch64-static qemu-arm-static; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is missing: apt-get install podman buildah debootstrap curl qemu-user-static (and Node 24)"
done
read -r -a cpus <<<"${EMULATED_CPUS:-cortex-a72 cortex-a76}"
read -r -a arches <<<"${EMULATED_ARCHES:-arm64 armv7}"
request_timeout_ms=${REQUEST_TIMEOUT_MS:-600000}
mapfile -t fixtures < <(find "$root/test/fixtures/images" -type f \( -name '*.jpg' -o -name '*.bmp' \) | sort)
((${#fixtures[@]} > 0)) || fail "no fixtures in test/fixtures/images"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/leukoserve-emulated.XXXXXX")
started=$SECONDS

# ---- mounting an image: ROOTFS, UID, GID, WORKDIR, IMAGE_ENV, CMD ----------------------------------------
mounted=()
mounted_images=()
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true; done
  for i in "${mounted_images[@]}"; do "${podman[@]}" image unmount "$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mount_at() { mount "$@"; mounted+=("${!#}"); }

# mount_image IMAGE NAME: the image's root at $work/NAME/rootfs, read-only, with what a container gets.
mount_image() {
  local image=$1 dir="$work/$2" inspect image_root user
  mkdir -p "$dir/rootfs"
  inspect=$("${podman[@]}" image inspect "$image")
  # shellcheck disable=SC2016 # JavaScript in single quotes, not shell
  INSPECT="$inspect" OUT="$dir" node --input-type=module -e '
    import { writeFileSync } from "node:fs";
    const [{ Config: c }] = JSON.parse(process.env.INSPECT);
    const env = (c.Env ?? []).filter((e) => !e.startsWith("HOST=") && !e.startsWith("PORT="));
    writeFileSync(`${process.env.OUT}/user`, c.User ?? "");
    writeFileSync(`${process.env.OUT}/workdir`, c.WorkingDir || "/");
    writeFileSync(`${process.env.OUT}/env`, env.map((e) => `${e}\0`).join(""));
    writeFileSync(`${process.env.OUT}/cmd`, (c.Cmd ?? []).map((a) => `${a}\0`).join(""));
  ' || fail "cannot read the configuration of $image"
  image_root=$("${podman[@]}" image mount "$image")
  mounted_images+=("$image")
  ROOTFS="$dir/rootfs"
  mount_at --bind "$image_root" "$ROOTFS"
  mount -o remount,bind,ro "$ROOTFS"
  mount_at -t proc proc "$ROOTFS/proc"
  mount_at --bind /dev "$ROOTFS/dev"
  mount_at --bind /sys "$ROOTFS/sys"
  mount -o remount,bind,ro "$ROOTFS/sys"
  mount_at -t tmpfs -o mode=1777 tmpfs "$ROOTFS/tmp"
  user=$(<"$dir/user")
  # The user as the image's own /etc/passwd names it (its programs may be for another architecture).
  UID_=$(awk -F: -v u="$user" '$1 == u || $3 == u { print $3; exit }' "$ROOTFS/etc/passwd")
  GID_=$(awk -F: -v u="$user" '$1 == u || $3 == u { print $4; exit }' "$ROOTFS/etc/passwd")
  [[ -n "$UID_" && "$UID_" != 0 ]] || fail "$image: its user '$user' is not a non-root user of its /etc/passwd"
  WORKDIR=$(<"$dir/workdir")
  mapfile -d '' IMAGE_ENV <"$dir/env"
  mapfile -d '' CMD <"$dir/cmd"
  [[ "${CMD[0]:-}" == node ]] || fail "$image: expected the command 'node ...', got '${CMD[*]}'"
  CMD[0]=/usr/local/bin/node
  [[ -x "$ROOTFS${CMD[0]}" ]] || fail "$image has no ${CMD[0]}"
  local cache
  cache=$(printf '%s\n' "${IMAGE_ENV[@]}" | sed -n 's/^CACHE_DIR=//p')
  mount_at -t tmpfs -o "mode=0750,uid=$UID_,gid=$GID_" tmpfs "$ROOTFS$cache"
  mkdir -p "$ROOTFS/tmp/in"
  cp "$root/scripts/container-probe.mjs" "${fixtures[@]}" "$ROOTFS/tmp/in/"
}

# image_command [VAR=value...] [EMULATOR...] -- ARGS...: sets RUN to a command line that runs ARGS in the
# mounted image as its user, with its env and working directory and nothing of this shell's environment
# (a test runner's NODE_OPTIONS, say).
image_command() {
  local emulator=() extra_env=()
  while [[ $1 != -- ]]; do
    if [[ $1 == *=* && ${#emulator[@]} == 0 ]]; then extra_env+=("$1"); else emulator+=("$1"); fi
    shift
  done
  shift
  if ((${#emulator[@]} > 0)); then
    install -m 0755 "$(command -v "${emulator[0]}")" "$ROOTFS/tmp/emulator"
    emulator[0]=/tmp/emulator
  fi
  RUN=(env -i "${IMAGE_ENV[@]}" "${extra_env[@]}" "$(command -v unshare)" --root="$ROOTFS" --wd="$WORKDIR"
       --setuid "$UID_" --setgid "$GID_" "${emulator[@]}" "$@")
}

request() { curl -s -o "$1" -w '%{http_code}' "${@:2}" || true; }

# serve LABEL EMULATOR...: starts the image's command, checks /health/ready, /devices and /classify on every
# fixture (each answer in $work/LABEL/<fixture>.json), then SIGTERM.
serve() {
  local label=$1 port log body code fixture t0
  shift
  port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  mkdir -p "$work/$label"
  log="$work/$label/server.log" body="$work/$label/body"
  t0=$SECONDS
  image_command HOST=127.0.0.1 PORT="$port" REQUEST_TIMEOUT_MS="$request_timeout_ms" "$@" -- "${CMD[@]}"
  "${RUN[@]}" >"$log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + ${READY_TIMEOUT_S:-300}))
  until [[ $(request "$body" "http://127.0.0.1:$port/health/ready") == 200 ]]; do
    kill -0 "$server_pid" 2>/dev/null || { tail -40 "$log" >&2; fail "$label: the server exited before it was ready (log above)"; }
    ((SECONDS < deadline)) || { tail -40 "$log" >&2; fail "$label: GET /health/ready was not 200 within ${READY_TIMEOUT_S:-300} s"; }
    sleep 1
  done
  say "ok: $label: GET /health/ready 200 after $((SECONDS - t0)) s"
  code=$(request "$body" "http://127.0.0.1:$port/devices")
  [[ $code == 200 ]] || { tail -40 "$log" >&2; fail "$label: GET /devices returned $code: $(<"$body")"; }
  grep -q '"CPU"' "$body" || fail "$label: GET /devices does not list CPU: $(<"$body")"
  say "ok: $label: GET /devices 200 (CPU available)"
  t0=$SECONDS
  for fixture in "${fixtures[@]}"; do
    code=$(request "$work/$label/$(basename "$fixture").json" -X POST -H 'Content-Type: application/octet-stream' \
      --data-binary "@$fixture" --max-time $((request_timeout_ms / 1000 + 60)) "http://127.0.0.1:$port/classify")
    [[ $code == 200 ]] || { tail -40 "$log" >&2; fail "$label: POST /classify $(basename "$fixture") returned $code: $(cat "$work/$label/$(basename "$fixture").json")"; }
  done
  say "ok: $label: POST /classify 200 on ${#fixtures[@]} fixtures, $(((SECONDS - t0) / ${#fixtures[@]})) s per image"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

# compare LABEL: max |score difference| over every fixture and label, LABEL vs amd64; fails above 1e-4.
compare() {
  # shellcheck disable=SC2016 # JavaScript in single quotes, not shell
  DIR="$work" LABEL="$1" node --input-type=module -e '
    import { readFileSync, readdirSync } from "node:fs";
    const { DIR, LABEL } = process.env;
    let max = 0, where = "", all = [];
    for (const file of readdirSync(`${DIR}/amd64`).filter((f) => f.endsWith(".json"))) {
      // Each file is one /classify answer: its only prediction carries the label and scores.
      const [a] = JSON.parse(readFileSync(`${DIR}/amd64/${file}`, "utf8")).predictions;
      const [b] = JSON.parse(readFileSync(`${DIR}/${LABEL}/${file}`, "utf8")).predictions;
      if (a.label !== b.label) console.error(`${file}: label ${b.label} instead of ${a.label}`);
      for (const [label, score] of Object.entries(a.scores)) {
        const d = Math.abs(score - b.scores[label]);
        if (!(d <= max)) { max = d; where = `${file} ${label}: ${b.scores[label]} vs ${score}`; }
      }
      all.push(`${file.replace(/\.json$/, "")} ALL ${b.scores.ALL?.toFixed(6)} (amd64 ${a.scores.ALL?.toFixed(6)})`);
    }
    console.log(`${max.toExponential(2)}\t${where}\t${all.join("; ")}`);
  '
}

# probe LABEL EMULATOR...: versions and preprocessing hashes from the image's own Node, into $work/LABEL.probe
probe() {
  local label=$1
  shift
  local files=()
  for fixture in "${fixtures[@]}"; do files+=("/tmp/in/$(basename "$fixture")"); done
  image_command "$@" -- /usr/local/bin/node /tmp/in/container-probe.mjs "${files[@]}"
  "${RUN[@]}" >"$work/$label.probe" 2>"$work/$label.probe.err" \
    || { cat "$work/$label.probe.err" >&2; fail "$label: Node, koffi, sharp or the preprocessing failed in the image (above)"; }
  # shellcheck disable=SC2016 # JavaScript in single quotes, not shell
  say "ok: $label: $(node -e 'const p = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); console.log(`node ${p.node} ${p.arch}, koffi ${p.koffi}, sharp ${p.sharp} (libvips ${p.vips}) load; small JPEGs: ${p.jpeg}`)' "$work/$label.probe")"
  if [[ $label != amd64 ]]; then
    # shellcheck disable=SC2016 # JavaScript in single quotes, not shell
    node -e '
      const fs = require("node:fs");
      const [a, b] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")).images);
      const differ = Object.keys(a).filter((k) => !b[k] || a[k].sha256 !== b[k].sha256);
      if (Object.keys(a).length === 0 || differ.length > 0) { console.error(`differ: ${differ.join(", ")}`); process.exit(1); }
    ' "$work/amd64.probe" "$work/$label.probe" \
      || fail "$label: sharp's preprocessing gave other bytes than on amd64 (above)"
    say "ok: $label: preprocessing bytes equal amd64's on all ${#fixtures[@]} fixtures"
  fi
}

# ---- build -----------------------------------------------------------------------------------------------
amd64=$("$root/scripts/container-build.sh" linux/amd64 wheel)
arm64=$("$root/scripts/container-build.sh" linux/arm64 wheel)
armv7=$("$root/scripts/container-build.sh" linux/arm/v7 none)
built=$SECONDS
say "built the amd64, arm64 and arm/v7 images in $((built - started)) s"

# ---- amd64: the reference ----------------------------------------------------------------------------------
mount_image "$amd64" amd64
probe amd64 --
serve amd64 --

# ---- arm64 ---------------------------------------------------------------------------------------------------
if [[ " ${arches[*]} " == *" arm64 "* ]]; then
  mount_image "$arm64" arm64
  probe arm64 qemu-aarch64-static -cpu "${cpus[0]}"
  for cpu in "${cpus[@]}"; do
    t0=$SECONDS
    serve "arm64-$cpu" qemu-aarch64-static -cpu "$cpu"
    IFS=$'\t' read -r diff where scores < <(compare "arm64-$cpu")
    say "arm64 $cpu: $scores"
    awk -v d="$diff" 'BEGIN { exit !(d <= 1e-4) }' \
      || fail "arm64 $cpu: scores differ from amd64's by $diff (> 1e-4) at $where"
    say "ok: arm64 $cpu: scores equal amd64's within 1e-4 (max |diff| $diff) in $((SECONDS - t0)) s"
  done
fi

# ---- arm/v7 ----------------------------------------------------------------------------------------------------
if [[ " ${arches[*]} " == *" armv7 "* ]]; then
  mount_image "$armv7" armv7
  probe armv7 qemu-arm-static -cpu cortex-a15
  image_command qemu-arm-static -cpu cortex-a15 -- "${CMD[@]}"
  rc=0
  timeout 300 "${RUN[@]}" >"$work/armv7.log" 2>&1 || rc=$?
  ((rc != 0 && rc != 124)) || { cat "$work/armv7.log" >&2; fail "armv7: node dist/main.js did not stop with an error at start (exit $rc)"; }
  for expected in 'libopenvino_c could not be loaded' 'Looked in:' '/opt/openvino/lib'; do
    grep -qF "$expected" "$work/armv7.log" \
      || { cat "$work/armv7.log" >&2; fail "armv7: exit $rc without the LibraryNotFoundError naming /opt/openvino/lib (log above)"; }
  done
  say "ok: armv7: node dist/main.js exits $rc: $(grep -m1 -o 'libopenvino_c could not be loaded[^"]*' "$work/armv7.log" | head -c 300)"
fi
say "passed: build $((built - started)) s, emulated runs $((SECONDS - built)) s"
