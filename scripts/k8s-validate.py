"""Validates rendered Kubernetes objects offline.

    k8s-validate.py --kube-version 1.30.0 --kube-version 1.37.0 rendered/*.yaml

Built-in kinds: against the Kubernetes API schemas kubernetes-validate ships, strict (unknown fields are
errors). Custom resources (KEDA's ScaledObject, Prometheus Operator's ServiceMonitor): kubernetes-validate
has no schema for them, so they are checked against pydantic models generated from their CRDs (cloudcoil),
and any field the model drops or rewrites counts as an error (the models themselves ignore unknown fields).
A custom resource of any other kind is skipped and named. Prints one summary line per file; exits 1 when
any object is invalid.
"""

import argparse
import collections
import pathlib
import sys

import kubernetes_validate
import pydantic
import yaml
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from cloudcoil.models.prometheus_operator.v1 import ServiceMonitor

CRD_MODELS = {
    ("keda.sh/v1alpha1", "ScaledObject"): ScaledObject,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ServiceMonitor,
}


def differences(given, kept, where=""):
    """Where the CRD model's view of an object differs from the object: unknown or retyped fields."""
    if isinstance(given, dict) and isinstance(kept, dict):
        found = [f"{where}.{k}: not in the CRD schema" for k in given.keys() - kept.keys()]
        for key in given.keys() & kept.keys():
            found += differences(given[key], kept[key], f"{where}.{key}")
        return found
    if isinstance(given, list) and isinstance(kept, list) and len(given) == len(kept):
        return [d for i, (g, k) in enumerate(zip(given, kept)) for d in differences(g, k, f"{where}[{i}]")]
    return [] if given == kept else [f"{where}: {given!r} read as {kept!r}"]


def is_custom(api_version):
    """Built-in groups are "" (core), single words (apps, policy, autoscaling) and *.k8s.io."""
    group = api_version.rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


def check_custom(obj, model):
    try:
        kept = model.model_validate(obj).model_dump(by_alias=True, exclude_unset=True, mode="json")
    except pydantic.ValidationError as error:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    return differences(obj, kept)


def check_builtin(obj, versions):
    problems = []
    for version in versions:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except Exception as error:  # noqa: BLE001 -- every failure is reported, whatever its class
            problems.append(f"against {version}: {getattr(error, 'message', error)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kube-version", action="append", required=True)
    parser.add_argument("files", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    failed = False
    for path in args.files:
        objects = [o for o in yaml.safe_load_all(path.read_text()) if o is not None]
        builtin, custom, skipped, errors = 0, collections.Counter(), collections.Counter(), []
        for obj in objects:
            name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            key = (obj.get("apiVersion"), obj.get("kind"))
            if key in CRD_MODELS:
                problems = check_custom(obj, CRD_MODELS[key])
                if not problems:
                    custom[obj["kind"]] += 1
            elif is_custom(obj.get("apiVersion", "")):
                skipped[f"{obj['kind']} ({obj['apiVersion']})"] += 1
                continue
            else:
                problems = check_builtin(obj, args.kube_version)
                if not problems:
                    builtin += 1
            errors += [f"{name} {p}" for p in problems]
        listed = lambda counter: ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items())) or "none"  # noqa: E731
        print(
            f"{path.stem}: {len(objects)} objects, {builtin} valid against Kubernetes {', '.join(args.kube_version)}"
            f" (strict), custom resources valid against their CRD models: {listed(custom)}; {len(errors)} errors;"
            f" skipped (no schema here): {listed(skipped)}"
        )
        for problem in errors:
            print(f"  error: {problem}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
