"""Writes the small OpenVINO IR models the inference tests run, plus numpy-computed expectations.

Usage: python make_models.py OUT_DIR
Generated, never committed: the TS helper (models.ts) runs this once into .cache/ and reuses it.
"""

import json
import sys
from pathlib import Path

import numpy as np
import openvino as ov
from openvino import opset13 as ops


def named(node, name):
    node.output(0).get_tensor().set_names({name})
    return node


def affine():
    """y = 2x + 1 on an NHWC image-shaped f32 input: checks numbers and input conversion."""
    x = named(ops.parameter([1, 2, 2, 3], ov.Type.f32, name="x"), "x")
    y = ops.add(ops.multiply(x, ops.constant(np.float32(2))), ops.constant(np.float32(1)))
    return ov.Model([named(ops.result(y), "y")], [x], "affine"), None


def affine_nchw():
    """y = 2x + 1 on an NCHW input: checks that the pool's NHWC tensor is transposed for it."""
    x = named(ops.parameter([1, 3, 2, 2], ov.Type.f32, name="x"), "x")
    y = ops.add(ops.multiply(x, ops.constant(np.float32(2))), ops.constant(np.float32(1)))
    return ov.Model([named(ops.result(y), "y")], [x], "affine_nchw"), None


def matmul():
    """y = x @ W + b with seeded weights; expected outputs computed here by numpy."""
    rng = np.random.default_rng(20240601)
    w = rng.standard_normal((8, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    x = named(ops.parameter([1, 8], ov.Type.f32, name="x"), "x")
    y = ops.add(ops.matmul(x, ops.constant(w), False, False), ops.constant(b))
    inputs = rng.standard_normal((16, 1, 8)).astype(np.float32)
    cases = [{"input": i.ravel().tolist(), "output": (i @ w + b).ravel().tolist()} for i in inputs]
    return ov.Model([named(ops.result(y), "y")], [x], "matmul"), cases


def slow():
    """Tanh(x @ W) layers on a 512x1024 batch (~13 GFLOP): tens of ms, enough to time out while running."""
    w = np.random.default_rng(7).standard_normal((1024, 1024)).astype(np.float32) / 32
    h = x = named(ops.parameter([512, 1024], ov.Type.f32, name="x"), "x")
    for _ in range(12):
        h = ops.tanh(ops.matmul(h, ops.constant(w), False, False))
    y = ops.reduce_sum(h, ops.constant(np.array([1], dtype=np.int64)), False)
    return ov.Model([named(ops.result(y), "y")], [x], "slow"), None


def reshape_fail():
    """Reshapes 4 constants to the shape the input gives: [2,2] works, [3,3] fails inside infer."""
    x = named(ops.parameter([2], ov.Type.f32, name="x"), "x")
    data = ops.constant(np.arange(4, dtype=np.float32))
    y = ops.reshape(data, ops.convert(x, ov.Type.i64), False)
    return ov.Model([named(ops.result(y), "y")], [x], "reshape_fail"), None


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    expectations = {}
    for make in (affine, affine_nchw, matmul, slow, reshape_fail):
        model, cases = make()
        ov.save_model(model, out / f"{make.__name__}.xml", compress_to_fp16=False)
        if cases is not None:
            expectations[make.__name__] = cases
    expectations["openvino_version"] = ov.get_version()
    (out / "expected.json").write_text(json.dumps(expectations))


if __name__ == "__main__":
    main(sys.argv[1])
