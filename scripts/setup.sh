#!/usr/bin/env bash
# Provisions what the service and its model toolchain need, idempotently:
#   1. a project-local Python venv (.venv) with the pinned OpenVINO wheel (libopenvino_c) and toolchain;
#   2. the default model (models/default): Inception V3 built, frozen and converted to IR.
# Each step is skipped when its inputs are unchanged (a stamp holds their hash).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
python_bin=${LEUKOSERVE_PYTHON:-python3}
model_dir="$root/models/default"

step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

command -v "$python_bin" >/dev/null 2>&1 \
  || fail "no '$python_bin' found. Install Python 3.10-3.12 (Debian: apt-get install python3 python3-venv) or set LEUKOSERVE_PYTHON."
"$python_bin" - <<'PY' || fail "Python 3.10-3.12 is required (found $("$python_bin" --version 2>&1))."
import sys
sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)
PY

req_hash=$(hash_of "$root/models/requirements.txt" "$root/models/requirements.lock")
if [[ -f "$venv/.stamp" && "$(cat "$venv/.stamp")" == "$req_hash" ]]; then
  step "Python venv up to date ($venv)"
else
  step "creating Python venv in $venv"
  "$python_bin" -m venv "$venv" \
    || fail "could not create a venv: install the venv module (Debian: apt-get install python3-venv)."
  step "installing the pinned OpenVINO runtime and model toolchain (first run downloads ~600 MB)"
  if ! "$venv/bin/pip" install --progress-bar on --disable-pip-version-check \
      -r "$root/models/requirements.txt" -c "$root/models/requirements.lock"; then
    fail "pip could not install models/requirements.txt. If the lines above show a connection error, this machine cannot reach PyPI (set PIP_INDEX_URL to a mirror); otherwise see pip's message above."
  fi
  echo "$req_hash" > "$venv/.stamp"
fi

model_hash=$({ echo "$req_hash"; find "$root/models/leukotool" -name '*.py' -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -d' ' -f1)
if [[ -f "$model_dir/.stamp" && "$(cat "$model_dir/.stamp")" == "$model_hash" ]]; then
  step "default model up to date ($model_dir)"
else
  step "building the default model (Inception V3, seeded weights: NOT TRAINED) into $model_dir"
  PYTHONPATH="$root/models" "$venv/bin/python" -m leukotool default --out "$model_dir" \
    || fail "building the default model failed; see the message above."
  echo "$model_hash" > "$model_dir/.stamp"
fi
