"""What both Python peers of the bench share: the manifest, the preprocessing and the answer's shape.

Preprocessing is the usual hand-written version of TF-Slim's eval path: central crop of the
manifest's fraction, Pillow bilinear resize to the model's input size, scale to the manifest's range.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
from pathlib import Path

import numpy as np
import openvino as ov
from PIL import Image
from waitress import serve

# The bench's precision names (leukoserve's CPU_PRECISION) and what each compiles: the IR and the
# CPU's INFERENCE_PRECISION_HINT. int8 is the NNCF IR, computed in f32 where it is not integer.
PRECISIONS = {'f32': ('fp32', 'f32'), 'bf16': ('fp32', 'bf16'), 'int8': ('int8', 'f32')}


class BaselineModel:
    def __init__(self, model_dir: Path, device: str, precision: str | None, config: dict | None = None) -> None:
        with open(model_dir / 'manifest.json', encoding='utf-8') as f:
            self.manifest = json.load(f)
        ir, hint = PRECISIONS[precision or 'f32']
        config = dict(config or {})
        if precision is not None:
            config['INFERENCE_PRECISION_HINT'] = hint
        self.compiled = ov.Core().compile_model(str(model_dir / self.manifest['ir'][ir]), device, config)
        spec = self.manifest['input']
        self.layout = spec['layout']
        self.height, self.width = spec['shape'][1:3] if self.layout == 'NHWC' else spec['shape'][2:4]

    def preprocess(self, data: bytes) -> np.ndarray:
        spec = self.manifest['input']
        pre = self.manifest['preprocessing']
        image = Image.open(io.BytesIO(data)).convert('RGB')
        fraction = pre['central_fraction']
        w, h = image.size
        # Same offsets as tf.image.central_crop.
        top, left = int((h - h * fraction) / 2), int((w - w * fraction) / 2)
        image = image.crop((left, top, w - left, h - top)).resize((self.width, self.height), Image.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
        if spec['element_type'] == 'u8':
            tensor = pixels
        else:
            low, high = pre['range']
            tensor = pixels.astype(np.float32) * ((high - low) / 255.0) + low
        tensor = tensor[np.newaxis]
        return np.ascontiguousarray(tensor if self.layout == 'NHWC' else tensor.transpose(0, 3, 1, 2))

    def answer(self, output: np.ndarray) -> bytes:
        """The JSON body, in the shape of leukoserve's prediction, so the bench reads all servers the same way."""
        scores = np.asarray(output, dtype=np.float64).reshape(-1)
        if self.manifest['output']['kind'] == 'logits':
            scores = np.exp(scores - scores.max())
            scores /= scores.sum()
        labels = self.manifest['labels']
        best = int(np.argmax(scores))
        prediction = {'label': labels[best], 'score': float(scores[best]),
                      'scores': {label: float(score) for label, score in zip(labels, scores)}}
        return json.dumps({'predictions': [prediction]}).encode()


def peer_arguments(description: str, port: int) -> argparse.ArgumentParser:
    """The command line both peers share: the model, the device, where to listen, the precision."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--model-dir', type=Path, default=Path('models/default'))
    parser.add_argument('--device', default='CPU')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=port)
    parser.add_argument('--precision', choices=sorted(PRECISIONS), default=None,
                        help="the IR and the CPU's inference precision (default: the FP32 IR at the device's own)")
    return parser


def serve_quietly(app, args: argparse.Namespace, **options) -> None:
    """waitress, without the warning it logs whenever a request waits for a thread: under a load test, always."""
    logging.getLogger('waitress.queue').setLevel(logging.ERROR)
    serve(app, host=args.host, port=args.port, **options)
