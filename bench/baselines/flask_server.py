"""The baseline a user would otherwise write: Flask + the OpenVINO Python API + Pillow/numpy.

One compiled model, one infer request, one synchronous inference per request (a lock keeps the
single infer request to one inference at a time). Preprocessing is the usual hand-written version
of TF-Slim's eval path: central crop of the manifest's fraction, Pillow bilinear resize to the
model's input size, scale to the manifest's range.

Served by waitress (Flask's documented production server) with its defaults, not by Flask's
development server: Werkzeug's server closes every connection (`Connection: close`), and
autocannon 9 stops parsing a connection after such a response, so it could not load it at all.

Usage: python flask_server.py --model-dir models/default --port 8081
POST /classify with a raw image body (any format Pillow decodes); GET /health/ready.
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import threading
from pathlib import Path

import numpy as np
import openvino as ov
from flask import Flask, Response, request
from PIL import Image
from waitress import serve


def load_manifest(model_dir: Path) -> dict:
    with open(model_dir / 'manifest.json', encoding='utf-8') as f:
        return json.load(f)


def preprocess(data: bytes, manifest: dict) -> np.ndarray:
    spec = manifest['input']
    pre = manifest['preprocessing']
    layout = spec['layout']
    height, width = (spec['shape'][1:3] if layout == 'NHWC' else spec['shape'][2:4])
    image = Image.open(io.BytesIO(data)).convert('RGB')
    fraction = pre['central_fraction']
    w, h = image.size
    # Same offsets as tf.image.central_crop.
    top, left = int((h - h * fraction) / 2), int((w - w * fraction) / 2)
    image = image.crop((left, top, w - left, h - top)).resize((width, height), Image.BILINEAR)
    pixels = np.asarray(image, dtype=np.uint8)
    if spec['element_type'] == 'u8':
        tensor = pixels
    else:
        low, high = pre['range']
        tensor = pixels.astype(np.float32) * ((high - low) / 255.0) + low
    tensor = tensor[np.newaxis]
    return tensor if layout == 'NHWC' else tensor.transpose(0, 3, 1, 2)


def create_app(model_dir: Path, device: str, precision: str | None) -> Flask:
    manifest = load_manifest(model_dir)
    core = ov.Core()
    config = {} if precision is None else {'INFERENCE_PRECISION_HINT': precision}
    compiled = core.compile_model(str(model_dir / manifest['ir']['fp32']), device, config)
    infer_request = compiled.create_infer_request()
    infer_lock = threading.Lock()
    labels = manifest['labels']
    logits = manifest['output']['kind'] == 'logits'

    app = Flask('flask_baseline')

    @app.get('/health/ready')
    def ready() -> Response:
        return Response('{"status":"ready"}', mimetype='application/json')

    @app.post('/classify')
    def classify() -> Response:
        try:
            tensor = preprocess(request.get_data(), manifest)
        except Exception as error:  # noqa: BLE001 -- any undecodable upload is the client's fault
            return Response(json.dumps({'error': str(error)}), status=400, mimetype='application/json')
        with infer_lock:
            scores = np.asarray(infer_request.infer([tensor])[0], dtype=np.float64).reshape(-1)
        if logits:
            scores = np.exp(scores - scores.max())
            scores /= scores.sum()
        best = int(np.argmax(scores))
        # The shape of leukoserve's prediction, so the bench reads both the same way.
        prediction = {'label': labels[best], 'score': float(scores[best]),
                      'scores': {label: float(score) for label, score in zip(labels, scores)}}
        return Response(json.dumps({'predictions': [prediction]}), mimetype='application/json')

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model-dir', type=Path, default=Path('models/default'))
    parser.add_argument('--device', default='CPU')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8081)
    parser.add_argument('--precision', choices=['f32', 'bf16'], default=None,
                        help="the CPU's inference precision (default: the device's own)")
    args = parser.parse_args()
    # waitress logs a warning whenever a request waits for a thread: under a load test, always.
    logging.getLogger('waitress.queue').setLevel(logging.ERROR)
    serve(create_app(args.model_dir, args.device, args.precision), host=args.host, port=args.port)


if __name__ == '__main__':
    main()
