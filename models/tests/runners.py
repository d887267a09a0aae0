"""The two sides of every parity check: TensorFlow running a frozen .pb, OpenVINO running an IR, on the CPU."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openvino as ov
import tensorflow as tf

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / 'test' / 'fixtures' / 'images'


@functools.cache
def _frozen_graph(pb: Path):
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(pb.read_bytes())
    return tf.compat.v1.wrap_function(lambda: tf.compat.v1.import_graph_def(graph_def, name=''), [])


def run_frozen(pb: Path, batch: np.ndarray, output_node: str, input_node: str = 'input') -> np.ndarray:
    """TensorFlow's answer for each image of `batch` (the graphs take one image at a time)."""
    graph = _frozen_graph(pb)
    run = graph.prune(graph.graph.get_tensor_by_name(f'{input_node}:0'),
                      graph.graph.get_tensor_by_name(f'{output_node}:0'))
    return np.concatenate([run(tf.constant(image[None])).numpy() for image in batch])


def run_ir(xml: Path, batch: np.ndarray) -> np.ndarray:
    """OpenVINO's answer on the CPU. f32 inference precision: on CPUs with bf16 or fp16 units the CPU
    plugin would otherwise pick the lower precision, and the parity bounds are about the IR, not that choice."""
    compiled = ov.Core().compile_model(xml, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
    return np.concatenate([compiled([image[None]])[0] for image in batch])


def service_manifest_check(model_dir: Path) -> dict | None:
    """Loads manifest.json with the service's own loader (src/model/manifest.ts, zod); None without Node."""
    node = shutil.which('node')
    if node is None or not (ROOT / 'node_modules' / 'tsx').is_dir():
        return None
    script = ("import { loadManifest } from './src/model/manifest.ts';"
              'const loaded = await loadManifest(process.argv[1]);'
              'console.log(JSON.stringify(loaded.manifest));')
    result = subprocess.run([node, '--import', 'tsx', '--input-type=module', '-e', script, str(model_dir)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
