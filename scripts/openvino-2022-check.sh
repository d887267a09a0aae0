#!/usr/bin/env bash
# The real OpenVINO 2022.3 (the NCS2's runtime line) on every IR the image carries: the FP32 and FP16 IR
# of models/default must be read and compiled by 2022.3.1's CPU plugin and give the scores of today's
# runtime (.venv, the version models/requirements.lock pins) on the same inputs, to 1e-5.
#
#   sudo scripts/openvino-2022-check.sh   (root: debootstrap, chroot and mounts need it)
#
# How: PyPI has openvino==2022.3.1 for Python 3.7-3.10 only (manylinux2014 x86-64; no libopenvino_c and
# no MYRIAD plugin in the wheel, but the same IR reader and CPU plugin as the Pi's archive). This machine's
# Python is 3.11, so a Debian bullseye root (Python 3.9, debootstrap, ~70 s) runs it. The wheels are
# fetched here with pip download, then installed in the root with --no-index.
# Env: DEBIAN_MIRROR (default debootstrap's own), OPENVINO_2022=2022.3.1, SAMPLES (default 4).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf '\033[1m[openvino-2022]\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31m[openvino-2022] FAIL:\033[0m %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "run as root: debootstrap, chroot and mount need it"
command -v debootstrap >/dev/null 2>&1 || fail "'debootstrap' is missing: apt-get install debootstrap"
python=$root/.venv/bin/python
model=$root/models/default
[[ -x "$python" && -f "$model/manifest.json" ]] || fail "no .venv or models/default: run 'npm run setup' first"
version=${OPENVINO_2022:-2022.3.1}
started=$SECONDS

work=$(mktemp -d "${TMPDIR:-/var/tmp}/leukoserve-ov2022.XXXXXX")
bullseye="$work/bullseye"
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mount_at() { mount "$@"; mounted+=("${!#}"); }

say "debootstrap --variant=minbase bullseye with python3 (about a minute)"
# shellcheck disable=SC2086 # DEBIAN_MIRROR is optional: unset, debootstrap uses its default mirror.
debootstrap --variant=minbase --include=python3,python3-venv bullseye "$bullseye" ${DEBIAN_MIRROR:-} \
  >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap bullseye failed (log above)"; }
# Without /proc, /sys and /dev the runtime spins at start (it reads the CPU topology there).
mount_at -t proc proc "$bullseye/proc"
mount_at --bind /sys "$bullseye/sys"
mount_at --bind /dev "$bullseye/dev"
mkdir -p "$bullseye/model" "$bullseye/work"
mount_at --bind "$model" "$bullseye/model"
mount -o remount,bind,ro "$bullseye/model"
# in_bullseye ARGS...: a command in the bullseye root with a clean environment.
in_bullseye() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root chroot "$bullseye" "$@"; }
py39=$(in_bullseye python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

say "openvino==$version for Python $py39 from PyPI"
"$python" -m pip download --disable-pip-version-check --quiet --only-binary=:all: --python-version "$py39" \
  --platform manylinux2014_x86_64 -d "$bullseye/tmp/wheels" "openvino==$version" \
  || fail "pip download openvino==$version for Python $py39 failed"
in_bullseye python3 -m venv /venv
in_bullseye /venv/bin/pip install --disable-pip-version-check --quiet --no-index --find-links /tmp/wheels "openvino==$version" \
  || fail "openvino==$version does not install in bullseye's Python $py39"

# The same inputs for both runtimes: SAMPLES random tensors of the model's input shape in [-1, 1].
cp "$root/scripts/openvino-2022-scores.py" "$bullseye/work/"
# shellcheck disable=SC2016 # Python in single quotes, not shell
MANIFEST="$model/manifest.json" OUT="$bullseye/work/inputs.npy" SAMPLES="${SAMPLES:-4}" "$python" -c '
import json, os
import numpy as np
shape = json.load(open(os.environ["MANIFEST"]))["input"]["shape"]
rng = np.random.default_rng(20221)
np.save(os.environ["OUT"], rng.uniform(-1, 1, size=(int(os.environ["SAMPLES"]), *shape)).astype(np.float32))
'
mapfile -t irs < <("$python" -c 'import json, sys; m = json.load(open(sys.argv[1])); print("\n".join(m["ir"].values()))' "$model/manifest.json")
((${#irs[@]} >= 2)) || fail "models/default/manifest.json names ${#irs[@]} IR, expected FP32 and FP16"

for ir in "${irs[@]}"; do
  name=${ir%.xml}
  t0=$SECONDS
  say "$(in_bullseye /venv/bin/python /work/openvino-2022-scores.py "/model/$ir" /work/inputs.npy "/work/$name-2022.npy" 2>&1)" \
    || fail "OpenVINO $version cannot read or compile $ir (above)"
  [[ -f "$bullseye/work/$name-2022.npy" ]] || fail "OpenVINO $version gave no scores for $ir"
  say "$("$python" "$root/scripts/openvino-2022-scores.py" "$model/$ir" "$bullseye/work/inputs.npy" "$work/$name-now.npy")"
  # shellcheck disable=SC2016 # Python in single quotes, not shell
  diff=$("$python" -c 'import sys, numpy as np; a, b = (np.load(f) for f in sys.argv[1:3]); print("%.2e" % np.abs(a - b).max())' \
    "$bullseye/work/$name-2022.npy" "$work/$name-now.npy")
  awk -v d="$diff" 'BEGIN { exit !(d <= 1e-5) }' || fail "$ir: OpenVINO $version and today's runtime differ by $diff (> 1e-5)"
  say "ok: $ir reads and compiles on OpenVINO $version's CPU plugin; scores equal today's within 1e-5 (max |diff| $diff, $((SECONDS - t0)) s)"
done
say "passed in $((SECONDS - started)) s"
