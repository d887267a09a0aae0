"""manifest.json: the model's description for the service. Mirrors src/model/manifest.ts (the zod schema
the service validates with): keep the two in step."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .errors import ModelDirError
from .preprocessing import CENTRAL_FRACTION, INPUT_SIZE

MANIFEST_FILE = 'manifest.json'
SCHEMA_VERSION = 1
INPUT_SHAPE = [1, INPUT_SIZE, INPUT_SIZE, 3]


def created_now() -> str:
    """ISO time; SOURCE_DATE_EPOCH (the reproducible-builds convention) pins it for byte-identical output."""
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.isoformat(timespec='seconds').replace('+00:00', 'Z')


def make_manifest(*, name: str, version: str, labels: list[str], input_name: str, output_name: str,
                  output_kind: str, ir_fp32: str, ir_fp16: str, pb: str, pb_sha256: str,
                  trained: bool, training: dict | None) -> dict:
    return {
        'schema': SCHEMA_VERSION,
        'name': name,
        'version': version,
        'trained': trained,
        'labels': list(labels),
        'input': {'name': input_name, 'shape': INPUT_SHAPE, 'layout': 'NHWC', 'element_type': 'f32'},
        'output': {'name': output_name, 'kind': output_kind},
        # What leukotool.preprocessing does (TF-Slim preprocess_for_eval): the service must do the same.
        'preprocessing': {'kind': 'inception', 'central_fraction': CENTRAL_FRACTION, 'resize': 'bilinear',
                          'range': [-1, 1]},
        # `leukotool quantize` adds 'int8' here, and the optional blocks 'quantization' (how the INT8 IR was
        # calibrated) and 'agreement' (each faster precision's measured scores against f32, and the CPU).
        'ir': {'fp32': ir_fp32, 'fp16': ir_fp16},
        'source': {'pb': pb, 'sha256': pb_sha256},
        'training': training,
        'created': created_now(),
    }


def training_block(metrics: dict) -> dict:
    """The manifest's `training` from a metrics.json written by `leukotool train`."""
    block = {'dataset': metrics['dataset'], 'epochs': metrics['epochs'],
             'metrics': {'validation': metrics['validation']}}
    if metrics.get('train') is not None:
        block['metrics']['train'] = metrics['train']
    return block


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise ModelDirError(f'no {MANIFEST_FILE} in {directory}: give a model directory written by leukotool')
    return json.loads(path.read_text())


def write_manifest(directory: Path, manifest: dict) -> Path:
    path = directory / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2) + '\n')
    return path
