#!/usr/bin/env bash
# Checks the Helm chart without a cluster: installs helm (go install, cached) and kubernetes-validate (a
# venv, cached), then for each value set deploy/helm/leukoserve/ci/<set>-values.yaml: helm lint, helm
# template into .cache/helm-check/rendered/<set>.yaml, and every object validated against the Kubernetes
# API schemas offline. Last, deploy/kubernetes/leukoserve.yaml must be the chart's rendering of its
# value set (the plain manifests for kubectl apply -k / k3s's auto-deploy folder).
#
#   scripts/helm-check.sh             # check
#   scripts/helm-check.sh --update    # check, and rewrite deploy/kubernetes/leukoserve.yaml
#   scripts/helm-check.sh --install   # only install helm and the validator
#
# Needs go and python3 (venv). Env: HELM (a helm v3 binary to use instead).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

helm_version=v3.22.0
kube_versions=(1.30.0 1.37.0)        # the chart's kubeVersion floor, and the newest schemas shipped
chart=deploy/helm/leukoserve
manifests=deploy/kubernetes/leukoserve.yaml
manifests_values=$chart/ci/pi-stick-values.yaml
release=leukoserve
namespace=leukoserve
work=.cache/helm-check

mode=check
case "${1:-}" in
  '') ;;
  --update) mode=update ;;
  --install) mode=install ;;
  *) echo "usage: $0 [--update|--install]" >&2; exit 2 ;;
esac

mkdir -p "$work/bin"
PATH=$PATH:/usr/local/go/bin   # where the Go toolchain lives when not on PATH
helm=${HELM:-$work/bin/helm}
# go install sets no version string in the binary: the module version recorded in it is the one to compare.
if [[ -z "${HELM:-}" ]] && [[ "$(go version -m "$helm" 2>/dev/null | awk '$1 == "mod" { print $3 }')" != "$helm_version" ]]; then
  echo "installing helm $helm_version (go install; a few minutes the first time, cached after)"
  GOBIN="$PWD/$work/bin" GOFLAGS=-p=2 go install "helm.sh/helm/v3/cmd/helm@$helm_version"
fi

venv=$work/venv
if ! cmp -s deploy/requirements.txt "$venv/requirements.txt"; then
  echo "installing kubernetes-validate into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r deploy/requirements.txt
  cp deploy/requirements.txt "$venv/requirements.txt"
fi
[[ "$mode" == install ]] && exit 0

echo "helm $helm_version, rendering for Kubernetes ${kube_versions[0]}"
rm -rf "$work/rendered"
mkdir -p "$work/rendered"
for values in "$chart"/ci/*-values.yaml; do
  set_name=$(basename "$values" -values.yaml)
  "$helm" lint --strict --quiet "$chart" --kube-version "${kube_versions[0]}" --namespace "$namespace" --values "$values" >"$work/lint.log" 2>&1 \
    || { cat "$work/lint.log"; echo "$set_name: helm lint failed" >&2; exit 1; }
  echo "$set_name: helm lint --strict passed"
  "$helm" template "$release" "$chart" --kube-version "${kube_versions[0]}" --namespace "$namespace" --values "$values" >"$work/rendered/$set_name.yaml"
done
"$venv/bin/python" scripts/k8s-validate.py "${kube_versions[@]/#/--kube-version=}" "$work"/rendered/*.yaml deploy/kubernetes/namespace.yaml

header="# Rendered from deploy/helm/leukoserve with ci/$(basename "$manifests_values") by scripts/helm-check.sh --update: do not edit."
expected=$(printf '%s\n' "$header"; cat "$work/rendered/$(basename "$manifests_values" -values.yaml).yaml")
if [[ "$mode" == update ]]; then
  printf '%s\n' "$expected" >"$manifests"
  echo "wrote $manifests"
elif [[ "$expected" != "$(cat "$manifests" 2>/dev/null)" ]]; then
  echo "$manifests is not the chart's rendering: scripts/helm-check.sh --update" >&2
  exit 1
else
  echo "$manifests is the chart's rendering of $manifests_values"
fi
