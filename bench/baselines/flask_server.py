"""The baseline a user would otherwise write: Flask + the OpenVINO Python API + Pillow/numpy.

One compiled model, one infer request, one synchronous inference per request (a lock keeps the
single infer request to one inference at a time).

Served by waitress (Flask's documented production server) with its defaults, not by Flask's
development server: Werkzeug's server closes every connection (`Connection: close`), and
autocannon 9 stops parsing a connection after such a response, so it could not load it at all.

Usage: python flask_server.py --model-dir models/default --port 8081 [--precision f32|bf16|int8]
POST /classify with a raw image body (any format Pillow decodes); GET /health/ready.
"""
from __future__ import annotations

import argparse
import json
import logging
import threading
from pathlib import Path

from flask import Flask, Response, request
from waitress import serve

from baseline_model import PRECISIONS, BaselineModel


def create_app(model: BaselineModel) -> Flask:
    infer_request = model.compiled.create_infer_request()
    infer_lock = threading.Lock()
    app = Flask('flask_baseline')

    @app.get('/health/ready')
    def ready() -> Response:
        return Response('{"status":"ready"}', mimetype='application/json')

    @app.post('/classify')
    def classify() -> Response:
        try:
            tensor = model.preprocess(request.get_data())
        except Exception as error:  # noqa: BLE001 -- any undecodable upload is the client's fault
            return Response(json.dumps({'error': str(error)}), status=400, mimetype='application/json')
        with infer_lock:
            output = infer_request.infer([tensor])[0]
        return Response(model.answer(output), mimetype='application/json')

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model-dir', type=Path, default=Path('models/default'))
    parser.add_argument('--device', default='CPU')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8081)
    parser.add_argument('--precision', choices=sorted(PRECISIONS), default=None,
                        help="the IR and the CPU's inference precision (default: the FP32 IR at the device's own)")
    args = parser.parse_args()
    # waitress logs a warning whenever a request waits for a thread: under a load test, always.
    logging.getLogger('waitress.queue').setLevel(logging.ERROR)
    serve(create_app(BaselineModel(args.model_dir, args.device, args.precision)), host=args.host, port=args.port)


if __name__ == '__main__':
    main()
