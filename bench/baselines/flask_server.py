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

import json
import threading

from flask import Flask, Response, request

from baseline_model import BaselineModel, peer_arguments, serve_quietly


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
    args = peer_arguments(__doc__.splitlines()[0], 8081).parse_args()
    serve_quietly(create_app(BaselineModel(args.model_dir, args.device, args.precision)), args)


if __name__ == '__main__':
    main()
