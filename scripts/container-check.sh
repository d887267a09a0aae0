#!/usr/bin/env bash
# Builds the linux/amd64 image from ./Dockerfile without a Docker engine or a registry, then runs the
# server from the image and checks it: GET /health/ready 200, POST /classify 200 on a real smear image,
# GET /devices 200, SIGTERM -> clean exit. Prints the server's peak RSS after a little load.
#
#   sudo scripts/container-check.sh        (root: debootstrap, chroot and mounts need it)
#
# How, given what this kind of machine allows (Debian's podman/buildah; `podman run` cannot work here):
#   - base image of the build stages: scripts/container-base.sh (debootstrap bookworm + a local Node 24);
#   - build: scripts/container-build.sh, podman build --isolation chroot (overlay storage, vfs where overlay
#     cannot mount: see scripts/container-podman.sh), the same Dockerfile as buildx;
#   - run: the image's root filesystem (podman image mount) bound read-only, with tmpfs on /tmp and on
#     the cache volume like docker/compose.yaml, entered with chroot as the image's user, with its env,
#     working directory, entrypoint and command. Two deviations: HOST=127.0.0.1 and a free PORT,
#     because the chroot shares this machine's network.
# Env: LEUKOSERVE_IMAGE (tag to build, default localhost/leukoserve:check-amd64-wheel), LEUKOSERVE_BUILD_CA
#      (a CA bundle for pip/npm inside the build, default the system's), READY_TIMEOUT_S (default 300).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${LEUKOSERVE_IMAGE:-localhost/leukoserve:check-amd64-wheel}
smear="$root/test/fixtures/images/bccd/BloodImage_00004.jpg"
# shellcheck source=scripts/container-podman.sh
source "$root/scripts/container-podman.sh"

say() { printf '\033[1m[container-check]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31m[container-check] FAIL:\033[0m %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "run as root: debootstrap, chroot and mount need it"
for tool in podman buildah debootstrap curl node; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is missing: apt-get install podman buildah debootstrap curl (and Node 24)"
done
started=$SECONDS

# ---- build ----------------------------------------------------------------------------------------
say "building $image (cold: ~4 min with overlay storage, ~25 min with vfs; mostly pip and the model)"
"$root/scripts/container-build.sh" linux/amd64 wheel "$image" >/dev/null || fail "the image build failed (log above)"
built=$SECONDS
say "built in $((built - started)) s"

# ---- the image's runtime settings ------------------------------------------------------------------
inspect=$("${podman[@]}" image inspect "$image")
run_dir=$(mktemp -d "${TMPDIR:-/var/tmp}/leukoserve-check.XXXXXX")
# user, working dir, cache dir, then NUL-separated env, argv and health check: no shell quoting games with the JSON.
# shellcheck disable=SC2016 # JavaScript in single quotes, not shell
INSPECT="$inspect" OUT="$run_dir" node --input-type=module -e '
  import { writeFileSync } from "node:fs";
  const [image] = JSON.parse(process.env.INSPECT);
  const c = image.Config;
  const env = Object.fromEntries((c.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const argv = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
  if (!c.User || c.User === "root" || c.User === "0") throw new Error("the image runs as root");
  if (!env.CACHE_DIR) throw new Error("the image sets no CACHE_DIR");
  const [kind, ...health] = image.Healthcheck?.Test ?? [];
  if (kind !== "CMD") throw new Error(`expected an exec-form HEALTHCHECK (CMD [...]), got ${kind}`);
  writeFileSync(`${process.env.OUT}/user`, c.User);
  writeFileSync(`${process.env.OUT}/workdir`, c.WorkingDir || "/");
  writeFileSync(`${process.env.OUT}/cache`, env.CACHE_DIR);
  writeFileSync(`${process.env.OUT}/env`, Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join(""));
  writeFileSync(`${process.env.OUT}/argv`, argv.map((a) => `${a}\0`).join(""));
  writeFileSync(`${process.env.OUT}/health`, health.map((a) => `${a}\0`).join(""));
' || fail "cannot read the image configuration"
user=$(<"$run_dir/user")
workdir=$(<"$run_dir/workdir")
cache_dir=$(<"$run_dir/cache")
mapfile -d '' image_env <"$run_dir/env"
mapfile -d '' argv <"$run_dir/argv"
mapfile -d '' health <"$run_dir/health"
port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base_url="http://127.0.0.1:$port"

# ---- run it ---------------------------------------------------------------------------------------
rootfs="$run_dir/rootfs"
mkdir "$rootfs"
server_pid=
mounted=()
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    pkill -KILL -P "$server_pid" || true   # node first: a killed tini would leave it running
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true; done
  "${podman[@]}" image unmount "$image" >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
mount_at() { mount "$@"; mounted+=("${!#}"); }

image_root=$("${podman[@]}" image mount "$image")
mount_at --bind "$image_root" "$rootfs"
mount -o remount,bind,ro "$rootfs"            # compose: read_only: true
mount_at -t proc proc "$rootfs/proc"
mount_at --bind /dev "$rootfs/dev"
mount_at --bind /sys "$rootfs/sys"
mount -o remount,bind,ro "$rootfs/sys"
mount_at -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp"   # compose: tmpfs /tmp
# Every command in the image runs as its user with a clean environment: this shell's variables (a test
# runner's NODE_OPTIONS, say) name files that only exist outside the image.
as_user=(chroot --userspec="$user" "$rootfs" /usr/bin/env -i)
uid=$("${as_user[@]}" id -u)
gid=$("${as_user[@]}" id -g)
mount_at -t tmpfs -o "mode=0750,uid=$uid,gid=$gid" tmpfs "$rootfs$cache_dir"   # the cache volume

say "starting '${argv[*]}' as $user ($("${as_user[@]}" id)) on $base_url"
log="$run_dir/server.log"
# "${in_image[@]}" CMD...: a command in the image as the image's user, with its env and working dir.
# A command line, not a function: `cmd &` then execs it, so $! is tini itself and gets the SIGTERM.
in_image=("${as_user[@]}" -C "$workdir" "${image_env[@]}" HOST=127.0.0.1 PORT="$port")
# TINI_SUBREAPER: tini is not PID 1 in a chroot; as a subreaper it still forwards signals and reaps.
"${in_image[@]}" TINI_SUBREAPER=1 "${argv[@]}" >"$log" 2>&1 &
server_pid=$!

# request BODY_FILE CURL_ARGS...: prints the HTTP status (000: no answer).
request() { curl -s -o "$1" -w '%{http_code}' "${@:2}" || true; }
body="$run_dir/body"
deadline=$((SECONDS + ${READY_TIMEOUT_S:-300}))
until [[ $(request "$body" "$base_url/health/ready") == 200 ]]; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "the server exited before it was ready (log above)"; }
  ((SECONDS < deadline)) || { cat "$log" >&2; fail "GET /health/ready was not 200 within ${READY_TIMEOUT_S:-300} s"; }
  sleep 1
done
say "ok: GET /health/ready 200 after $((SECONDS - built)) s: $(<"$body")"
grep -q '"decoder":"libjpeg-turbo' "$log" || { cat "$log" >&2; fail "the start-up log does not name libjpeg-turbo as the small-JPEG decoder (libturbojpeg0 missing from the image?)"; }
say "ok: small JPEGs decoded by libjpeg-turbo"
"${in_image[@]}" "${health[@]}" || fail "the image's HEALTHCHECK command failed on a ready server: ${health[*]}"
say "ok: the image's HEALTHCHECK command exits 0"

code=$(request "$body" "$base_url/devices")
[[ $code == 200 ]] || { cat "$log" >&2; fail "GET /devices returned $code: $(<"$body")"; }
say "ok: GET /devices 200: $(<"$body")"

classify() { request "$1" -X POST -H 'Content-Type: image/jpeg' --data-binary "@$smear" "$base_url/classify"; }
code=$(classify "$body")
[[ $code == 200 ]] || { cat "$log" >&2; fail "POST /classify returned $code: $(<"$body")"; }
say "ok: POST /classify $(basename "$smear") 200: $(<"$body")"

# A little load, then the peak RSS of node (tini's child): the figure docker/compose.yaml's limit is sized from.
for _ in $(seq 1 30); do
  classify /dev/null >/dev/null & first=$!
  classify /dev/null >/dev/null & second=$!
  wait "$first" "$second"   # not a bare wait: the server is a background job too
done
node_pid=$(pgrep -P "$server_pid" -x node || true)
[[ -z "$node_pid" ]] || say "node's peak RSS after 61 classifications (2 in flight): $(awk '/VmHWM/ {print $2, $3}' "/proc/$node_pid/status")"

# SIGTERM while a batch of four images is being classified (~1 s): tini passes it on, node stops
# accepting, answers the batch, then exits 0.
request "$run_dir/drain-body" -F "image=@$smear" -F "image=@$smear" -F "image=@$smear" -F "image=@$smear" \
  "$base_url/classify" >"$run_dir/drain-code" & in_flight=$!
sleep 0.3
kill -TERM "$server_pid"
wait "$in_flight"
for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$server_pid" 2>/dev/null; then cat "$log" >&2; fail "the server did not stop within 60 s of SIGTERM"; fi
wait "$server_pid" && rc=0 || rc=$?
server_pid=
[[ $(<"$run_dir/drain-code") == 200 ]] || { cat "$log" >&2; fail "the batch in flight at SIGTERM got $(<"$run_dir/drain-code"): $(<"$run_dir/drain-body")"; }
[[ $rc == 0 ]] || { cat "$log" >&2; fail "the server exited with $rc after SIGTERM (log above)"; }
say "ok: SIGTERM during a batch: the batch got 200, then exit 0 (drained)"
say "passed: build $((built - started)) s, run checks $((SECONDS - built)) s, image $("${podman[@]}" image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"
